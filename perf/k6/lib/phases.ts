/** Where in its scenario a VU is, as a metric tag that thresholds can filter on. */
import exec from "k6/execution";

/** Milliseconds since the VU's scenario started. */
export function elapsedInScenarioMs(): number {
  return Date.now() - exec.scenario.startTime;
}

/** Tags every metric this VU emits from now on with `phase`. */
export function tagPhase(phase: string): void {
  exec.vu.metrics.tags["phase"] = phase;
}
