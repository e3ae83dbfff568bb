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
import { MARKET_OPEN, NORMAL_TRADING, scaled, scaledStages } from "./lib/stages.ts";
import { summaryFor } from "./lib/entry.ts";
import { TRADING_THRESHOLDS } from "./lib/thresholds.ts";

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    market_open: {
      executor: "ramping-vus",
      startVUs: scaled(MARKET_OPEN.startVUs),
      stages: scaledStages(MARKET_OPEN.stages),
      gracefulRampDown: MARKET_OPEN.gracefulRampDown,
      exec: "trade",
    },
    normal_trading: {
      executor: "constant-vus",
      vus: scaled(NORMAL_TRADING.vus),
      duration: NORMAL_TRADING.duration,
      startTime: NORMAL_TRADING.startTimeAfterMarketOpen,
      exec: "trade",
    },
  },
  thresholds: TRADING_THRESHOLDS,
};

export { setup, trade } from "./lib/entry.ts";
export const handleSummary = summaryFor("trading-day");
