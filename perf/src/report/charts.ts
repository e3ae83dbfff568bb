/** The two charts of a scenario, built from its result. */
import type { ScenarioResult } from "../result-schema";
import { latencyBarChart, throughputLineChart } from "./svg";

/** File names of a scenario's charts, relative to the charts directory. */
export function chartFileNames(scenario: string): { latency: string; throughput: string } {
  return { latency: `${scenario}-latency.svg`, throughput: `${scenario}-throughput.svg` };
}

/** Client-side p50/p95/p99 of every measurement, log axis. */
export function latencyChartFor(result: ScenarioResult): string {
  return latencyBarChart(
    result.measurements.map((m) => ({ label: m.label, detail: `${m.role} · c=${m.concurrency}`, p50: m.latencyMs.p50, p95: m.latencyMs.p95, p99: m.latencyMs.p99 })),
    { title: `${result.scenario}: latency p50 / p95 / p99 (client side, ms)` },
  );
}

/** Every measurement's per-second rate over its run (the timeline). */
export function throughputChartFor(result: ScenarioResult): string {
  const units = new Set(result.measurements.map((m) => m.unit));
  const unit = units.size === 1 ? [...units][0] : undefined;
  return throughputLineChart(
    result.measurements.map((m) => ({ label: m.label, points: m.timeline })),
    { title: `${result.scenario}: throughput over time`, ...(unit ? { unit } : {}) },
  );
}
