/**
 * The spec's combined run (§1.1): the market open (19 min), then normal trading hours from minute
 * 20 for 30 min, in one k6 run with one set of thresholds, as the spec's options object has them.
 * (The spec's api_stress and breaking_point scenarios would overlap and confound both; they are
 * api-stress.ts and breaking-point.ts.)
 *
 *   BASE_URL=https://edge.example.com k6 run perf/k6/trading-day.ts
 */
import type { Options } from "k6/options";
import { COMMON_OPTIONS } from "./lib/options.ts";
import { NORMAL_TRADING } from "./lib/stages.ts";
import { MARKET_OPEN_SCENARIO, NORMAL_TRADING_SCENARIO, summaryFor } from "./lib/entry.ts";
import { TRADING_THRESHOLDS } from "./lib/thresholds.ts";

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    market_open: MARKET_OPEN_SCENARIO,
    normal_trading: { ...NORMAL_TRADING_SCENARIO, startTime: NORMAL_TRADING.startTimeAfterMarketOpen },
  },
  thresholds: TRADING_THRESHOLDS,
};

export { setup, trade } from "./lib/entry.ts";
export const handleSummary = summaryFor("trading-day");
