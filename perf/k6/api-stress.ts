/**
 * API stress (spec §1.1 `api_stress`): a constant 1,000 iterations per second for 10 min, whatever
 * the edge's latency, from 50 pre-allocated VUs (200 at most). An iteration is one API call (two
 * for a trade: the risk check, then the order), without think time: market data 65 %,
 * portfolio 20 %, risk check 8 %, trade 7 %.
 *
 * When responses slow down, 200 VUs cannot keep up the rate and k6 drops iterations: more than 1 %
 * dropped means the edge did not sustain the rate.
 *
 *   BASE_URL=https://edge.example.com k6 run perf/k6/api-stress.ts
 */
import type { Options } from "k6/options";
import { setupRun, type SetupData } from "./lib/auth.ts";
import { COMMON_OPTIONS } from "./lib/options.ts";
import { API_STRESS, durationMs, scaled } from "./lib/stages.ts";
import { summaryOutputs, type SummaryData } from "./lib/summary.ts";
import { TRADING_THRESHOLDS } from "./lib/thresholds.ts";
import { apiCall } from "./lib/trading.ts";

const rate = scaled(API_STRESS.rate);
const plannedIterations = (rate * durationMs(API_STRESS.duration)) / durationMs(API_STRESS.timeUnit);

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    api_stress: {
      executor: "constant-arrival-rate",
      rate,
      timeUnit: API_STRESS.timeUnit,
      duration: API_STRESS.duration,
      preAllocatedVUs: scaled(API_STRESS.preAllocatedVUs),
      maxVUs: scaled(API_STRESS.maxVUs),
      exec: "call",
    },
  },
  thresholds: {
    ...TRADING_THRESHOLDS,
    // Ours: the rate was sustained (fewer than 1 % of the planned iterations dropped).
    dropped_iterations: [`count<${Math.ceil(plannedIterations * 0.01)}`],
  },
};

export function setup(): SetupData {
  return setupRun();
}

export function call(data: SetupData): void {
  apiCall(data);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs("api-stress", data);
}
