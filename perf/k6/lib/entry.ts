/**
 * The exports every trading script shares. k6 needs `setup`, the scenario's `exec` function and
 * `handleSummary` exported from the script itself; scripts re-export these.
 *
 *   export { setup, trade } from "./lib/entry.ts";
 *   export const handleSummary = summaryFor("market-open");
 */
import { setupRun, type SetupData } from "./auth.ts";
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
