/**
 * Spike: a flash crash (or the opening bell) — 100 quiet traders, then 5,000 within 10 s who all
 * watch prices, check positions and trade (PANIC profile: 2.5x the orders), for 3 min; back to 100.
 *
 * Passing means surviving and recovering: during the spike, errors stay under the spec's rates;
 * from 30 s after it (the spec's recovery time objective) the spec's latency thresholds hold
 * again. Metrics carry a `phase` tag (before, spike, settling, recovery) for those filters.
 *
 *   BASE_URL=https://edge.example.com k6 run perf/k6/spike.ts
 */
import type { Options } from "k6/options";
import { setupRun, type SetupData } from "./lib/auth.ts";
import { COMMON_OPTIONS } from "./lib/options.ts";
import { elapsedInScenarioMs, tagPhase } from "./lib/phases.ts";
import { SPIKE, scaled, scaledStages, spikePhase } from "./lib/stages.ts";
import { summaryOutputs, type SummaryData } from "./lib/summary.ts";
import { DOMAIN, SPEC_ERRORS } from "./lib/thresholds.ts";
import { PANIC_PROFILE, tradingSession } from "./lib/trading.ts";

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    flash_crash: {
      executor: "ramping-vus",
      startVUs: scaled(SPIKE.startVUs),
      stages: scaledStages(SPIKE.stages),
      gracefulRampDown: SPIKE.gracefulRampDown,
      exec: "trade",
    },
  },
  thresholds: {
    ...SPEC_ERRORS,
    ...DOMAIN,
    // The spec's latencies, after the recovery time objective.
    "http_req_duration{name:order_placement,phase:recovery}": ["p(99)<10"],
    "http_req_duration{name:risk_calculation,phase:recovery}": ["p(95)<50"],
    "http_req_duration{name:market_data,phase:recovery}": ["p(95)<100"],
    "http_req_duration{name:portfolio_update,phase:recovery}": ["p(95)<200"],
    "http_req_failed{phase:recovery}": ["rate<0.01"],
    // Ours: during the spike the edge may slow down, but the price must keep coming within 1 s.
    "http_req_duration{name:market_data,phase:spike}": ["p(95)<1000"],
  },
};

export function setup(): SetupData {
  return setupRun();
}

export function trade(data: SetupData): void {
  tagPhase(spikePhase(elapsedInScenarioMs()));
  tradingSession(data, PANIC_PROFILE);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs("spike", data);
}
