/**
 * The exports every trading script shares. k6 needs `setup`, the scenario's `exec` function and
 * `handleSummary` exported from the script itself; scripts re-export these.
 *
 *   export { setup, trade } from "./lib/entry.ts";
 *   export const handleSummary = summaryFor("market-open");
 */
import type { Scenario } from "k6/options";
import { setupRun, type SetupData } from "./auth.ts";
import { MARKET_OPEN, NORMAL_TRADING, scaled, scaledStages } from "./stages.ts";
import { summaryOutputs, type SummaryData } from "./summary.ts";
import { tradingSession } from "./trading.ts";

export function setup(): SetupData {
  return setupRun();
}

export function trade(data: SetupData): void {
  tradingSession(data);
}

export function summaryFor(script: string): (data: SummaryData) => Record<string, string> {
  return (data) => summaryOutputs(script, data);
}

/** The spec's market-open crowd (ramping VUs), trading through `trade`. */
export const MARKET_OPEN_SCENARIO: Scenario = {
  executor: "ramping-vus",
  startVUs: scaled(MARKET_OPEN.startVUs),
  stages: scaledStages(MARKET_OPEN.stages),
  gracefulRampDown: MARKET_OPEN.gracefulRampDown,
  exec: "trade",
};

/** The spec's normal trading hours (constant VUs), trading through `trade`. */
export const NORMAL_TRADING_SCENARIO: Scenario = {
  executor: "constant-vus",
  vus: scaled(NORMAL_TRADING.vus),
  duration: NORMAL_TRADING.duration,
  exec: "trade",
};
