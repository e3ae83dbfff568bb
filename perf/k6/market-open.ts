/**
 * Market open (spec §1.1 `market_open`): 100 traders at the bell, 1,000 after 2 min, a 5,000 peak,
 * 3,000 sustained for 10 min, then down: 19 min. Each VU is a trader: the price every iteration,
 * often the chart and the portfolio, a risk-checked market order in ORDER_RATIO (20 %) of them.
 *
 *   BASE_URL=https://edge.example.com k6 run perf/k6/market-open.ts
 */
import type { Options } from "k6/options";
import { COMMON_OPTIONS } from "./lib/options.ts";
import { MARKET_OPEN_SCENARIO, summaryFor } from "./lib/entry.ts";
import { TRADING_THRESHOLDS } from "./lib/thresholds.ts";

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    market_open: MARKET_OPEN_SCENARIO,
  },
  thresholds: TRADING_THRESHOLDS,
};

export { setup, trade } from "./lib/entry.ts";
export const handleSummary = summaryFor("market-open");
