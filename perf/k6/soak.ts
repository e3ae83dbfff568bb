/**
 * Soak (spec: 24-hour sustained load): 500 traders — a quarter of normal trading hours — for 24 h
 * (SOAK_DURATION to shorten), the normal trader behaviour. Every 20th iteration of a VU also
 * reads GET /api/health, whose per-component latencies (`edge_component_latency{component:…}`:
 * d1, kv, durableObject, bridge) show storage slowing down over the hours.
 *
 * Memory leaks and slow degradation show as latency creeping up late in the run, which a 24-hour
 * p95 would dilute: the spec's latency thresholds are also applied to the last tenth of the run
 * alone (`phase:final`).
 *
 *   BASE_URL=https://edge.example.com k6 run perf/k6/soak.ts
 *   BASE_URL=https://edge.example.com SOAK_DURATION=4h k6 run perf/k6/soak.ts
 */
import type { Options } from "k6/options";
import { setupRun, type SetupData } from "./lib/auth.ts";
import { COMMON_OPTIONS } from "./lib/options.ts";
import { elapsedInScenarioMs, tagPhase } from "./lib/phases.ts";
import { SOAK, durationMs, scaled, soakPhase } from "./lib/stages.ts";
import { summaryOutputs, type SummaryData } from "./lib/summary.ts";
import { TRADING_THRESHOLDS } from "./lib/thresholds.ts";
import { checkHealth, tradingSession } from "./lib/trading.ts";

const duration = __ENV.SOAK_DURATION || SOAK.duration;
durationMs(duration); // fails the init on a malformed SOAK_DURATION

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    soak: {
      executor: "constant-vus",
      vus: scaled(SOAK.vus),
      duration,
      exec: "trade",
    },
  },
  thresholds: {
    ...TRADING_THRESHOLDS,
    "http_req_duration{name:order_placement,phase:final}": ["p(99)<10"],
    "http_req_duration{name:risk_calculation,phase:final}": ["p(95)<50"],
    "http_req_duration{name:market_data,phase:final}": ["p(95)<100"],
    "http_req_duration{name:portfolio_update,phase:final}": ["p(95)<200"],
    "http_req_failed{phase:final}": ["rate<0.05"],
  },
};

let iterations = 0;

export function setup(): SetupData {
  return setupRun();
}

export function trade(data: SetupData): void {
  tagPhase(soakPhase(elapsedInScenarioMs(), duration));
  if (iterations++ % 20 === 0) checkHealth();
  tradingSession(data);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs("soak", data);
}
