/**
 * Test fixtures shared by the report, regression and CLI tests: small, realistic results that
 * pass the schema. Not used at run time.
 */
import type { z } from "zod";
import { Baseline, Measurement, Ratio, ScenarioResult } from "../result-schema";

export const MACHINE = {
  cpus: 2,
  cpuModel: "Test CPU @ 2.0GHz",
  memGiB: 4,
  node: "v22.0.0",
  platform: "linux 6.1.0",
  loadavg: [0.5, 0.4, 0.3],
};

type MeasurementInput = z.input<typeof Measurement>;

/** A measurement with plausible numbers; override anything. */
export function makeMeasurement(overrides: Partial<MeasurementInput> = {}): Measurement {
  return Measurement.parse({
    id: "edge-health-c10",
    label: "edge /health (c=10)",
    role: "target",
    concurrency: 10,
    durationSec: 3,
    latencyMs: { p50: 4.2, p95: 7.9, p99: 12.5, max: 40.1, mean: 4.8 },
    throughput: 2100.5,
    unit: "req/s",
    total: 6301,
    errors: 0,
    timeline: [
      { t: 0, rate: 2000 },
      { t: 1, rate: 2150 },
      { t: 2, rate: 2151 },
    ],
    ...overrides,
  });
}

/** A ratio; `value` 1 and lower-is-better unless overridden. */
export function makeRatio(name: string, value: number, rest: Partial<Ratio> = {}): Ratio {
  return Ratio.parse({ name, value, better: "lower", ...rest });
}

/** A two-measurement result (edge vs bare Node) with the given ratios. */
export function makeResult(ratios: Ratio[], overrides: Partial<z.input<typeof ScenarioResult>> = {}): ScenarioResult {
  return ScenarioResult.parse({
    scenario: "health",
    description: "GET /health against bare Node http (same run).",
    startedAt: "2025-01-02T03:04:05.000Z",
    machine: MACHINE,
    measurements: [
      makeMeasurement(),
      makeMeasurement({
        id: "bare-node-c10",
        label: "bare Node http (c=10)",
        role: "baseline",
        latencyMs: { p50: 0.3, p95: 0.6, p99: 1.1, max: 9, mean: 0.35 },
        throughput: 21000,
        timeline: [
          { t: 0, rate: 20500 },
          { t: 1, rate: 21200 },
          { t: 2, rate: 21300 },
        ],
      }),
    ],
    ratios,
    notes: [],
    ...overrides,
  });
}

/** A baseline with the given ratios. */
export function makeBaseline(ratios: Ratio[], scenario = "health"): Baseline {
  return Baseline.parse({ scenario, acceptedAt: "2024-12-01T00:00:00.000Z", machine: MACHINE, ratios });
}
