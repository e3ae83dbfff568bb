/**
 * Breaking point (spec §1.1 `breaking_point`): the arrival rate climbs from 100/s to 500, 1,000,
 * 2,000 and 5,000 iterations per second over 17 min; the same API mix as api-stress.
 *
 * The test is meant to break: the spec's latency thresholds record where it did (they fail), and
 * it aborts once a tenth of the requests fail, so the edge is not hammered long past its limit.
 * `target_arrival_rate` (a gauge, last value) is the rate k6 was asking for when the run ended:
 * after an abort, the breaking point. The time series (`k6 run --out …`) show the knee.
 *
 *   BASE_URL=https://edge.example.com k6 run perf/k6/breaking-point.ts
 */
import type { Options } from "k6/options";
import { setupRun, type SetupData } from "./lib/auth.ts";
import { targetArrivalRate } from "./lib/metrics.ts";
import { COMMON_OPTIONS } from "./lib/options.ts";
import { elapsedInScenarioMs } from "./lib/phases.ts";
import { BREAKING_POINT, scaled, scaledStages, targetAt } from "./lib/stages.ts";
import { summaryOutputs, type SummaryData } from "./lib/summary.ts";
import { DOMAIN, SPEC_ERRORS, SPEC_LATENCY } from "./lib/thresholds.ts";
import { apiCall } from "./lib/trading.ts";

const startRate = scaled(BREAKING_POINT.startRate);
const stages = scaledStages(BREAKING_POINT.stages);

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    breaking_point: {
      executor: "ramping-arrival-rate",
      startRate,
      timeUnit: BREAKING_POINT.timeUnit,
      stages,
      preAllocatedVUs: scaled(BREAKING_POINT.preAllocatedVUs),
      maxVUs: scaled(BREAKING_POINT.maxVUs),
      exec: "call",
    },
  },
  thresholds: {
    ...SPEC_LATENCY,
    ...DOMAIN,
    ...SPEC_ERRORS,
    http_req_failed: [
      "rate<0.05",
      // Ours: the edge is broken; stop (30 s grace so one bad second does not end the run).
      { threshold: "rate<0.1", abortOnFail: true, delayAbortEval: "30s" },
    ],
  },
};

export function setup(): SetupData {
  return setupRun();
}

export function call(data: SetupData): void {
  targetArrivalRate.add(targetAt(elapsedInScenarioMs(), startRate, stages));
  apiCall(data);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs("breaking-point", data);
}
