import type { PerfStack } from "../harness/stack";
import type { Measurement, Ratio, ScenarioResult } from "../result-schema";

export interface ScenarioContext {
  stack: PerfStack;
  durationSec: number;
  repeats: number;
  quick: boolean;
  log: (msg: string) => void;
  /** Access tokens of users registered for this run. */
  tokens: string[];
}

export interface Scenario {
  name: string;
  description: string;
  /** Needs no local stack (a CPU benchmark): `ctx.stack` must not be used. */
  standalone?: boolean;
  run(ctx: ScenarioContext): Promise<Pick<ScenarioResult, "measurements" | "ratios" | "notes">>;
}

/** Latency and throughput ratios of a target against a baseline measured in the same run. */
export function ratiosOf(target: Measurement, baseline: Measurement, goals: { p50?: number; throughput?: number } = {}): Ratio[] {
  const safe = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);
  return [
    { name: `${target.id}.p50/${baseline.id}.p50`, value: safe(target.latencyMs.p50, baseline.latencyMs.p50), better: "lower", ...(goals.p50 ? { goal: goals.p50 } : {}) },
    { name: `${target.id}.p99/${baseline.id}.p99`, value: safe(target.latencyMs.p99, baseline.latencyMs.p99), better: "lower" },
    { name: `${target.id}.throughput/${baseline.id}.throughput`, value: safe(target.throughput, baseline.throughput), better: "higher", ...(goals.throughput ? { goal: goals.throughput } : {}) },
  ];
}
