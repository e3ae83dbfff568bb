/**
 * Normal trading hours (spec §1.1 `normal_trading`): 2,000 traders for 30 min, the same trader
 * behaviour as market-open. In the spec's combined run it starts 20 min in, after the market
 * open (see trading-day.ts); alone, it starts at once.
 *
 *   BASE_URL=https://edge.example.com k6 run perf/k6/normal-trading.ts
 */
import type { Options } from "k6/options";
import { COMMON_OPTIONS } from "./lib/options.ts";
import { NORMAL_TRADING_SCENARIO, summaryFor } from "./lib/entry.ts";
import { TRADING_THRESHOLDS } from "./lib/thresholds.ts";

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    normal_trading: NORMAL_TRADING_SCENARIO,
  },
  thresholds: TRADING_THRESHOLDS,
};

export { setup, trade } from "./lib/entry.ts";
export const handleSummary = summaryFor("normal-trading");
