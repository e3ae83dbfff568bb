/**
 * The shape of one benchmark result, written to perf/results/<scenario>.json by the local
 * harness and read by the report, the charts and the regression check.
 *
 * Every figure is compared as a RATIO to a baseline measured in the same run on the same
 * machine (the machines are shared and noisy; absolute numbers drift).
 */
import { z } from "zod";

export const LatencySummary = z.object({
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  max: z.number().nonnegative(),
  mean: z.number().nonnegative(),
});
export type LatencySummary = z.infer<typeof LatencySummary>;

export const TimelinePoint = z.object({
  /** Seconds since the start of the measurement. */
  t: z.number().nonnegative(),
  /** Completed requests (or delivered messages) in that second. */
  rate: z.number().nonnegative(),
  /** p99 latency of that second, ms, when known. */
  p99: z.number().nonnegative().optional(),
});

export const Measurement = z.object({
  /** Stable id, used in ratio names: e.g. "edge-health", "bare-node". */
  id: z.string().regex(/^[a-z0-9-]+$/),
  label: z.string(),
  role: z.enum(["target", "baseline"]),
  /** Concurrency: connections, sockets or virtual users. */
  concurrency: z.number().int().positive(),
  durationSec: z.number().positive(),
  /** Median over repeats where the scenario repeats (see `repeats`). */
  latencyMs: LatencySummary,
  /** Requests/s for HTTP, messages/s for WebSocket. */
  throughput: z.number().nonnegative(),
  unit: z.enum(["req/s", "msg/s", "ops/s"]),
  total: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** Latency as the server measured it (Server-Timing), next to the client's view. */
  serverLatencyMs: LatencySummary.optional(),
  timeline: z.array(TimelinePoint),
  /** Every repeat's p50 and throughput, so the spread is visible. */
  repeats: z.array(z.object({ p50: z.number(), p99: z.number(), throughput: z.number() })).default([]),
  extra: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
});
export type Measurement = z.infer<typeof Measurement>;

/** A named ratio: `value` = target figure / baseline figure (both from this run). */
export const Ratio = z.object({
  name: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9]+)?\/[a-z0-9-]+(\.[a-z0-9]+)?$/),
  value: z.number().nonnegative(),
  /** "lower" when a smaller ratio is better (latency), "higher" when larger is better (throughput). */
  better: z.enum(["lower", "higher"]),
  /** A goal for this ratio from an issue, if any, e.g. order p50 <= 2x health p50. */
  goal: z.number().positive().optional(),
});
export type Ratio = z.infer<typeof Ratio>;

export const MachineInfo = z.object({
  cpus: z.number().int().positive(),
  cpuModel: z.string(),
  memGiB: z.number().positive(),
  node: z.string(),
  platform: z.string(),
  loadavg: z.array(z.number()),
});

export const ScenarioResult = z.object({
  scenario: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string(),
  startedAt: z.string(),
  machine: MachineInfo,
  measurements: z.array(Measurement).min(1),
  ratios: z.array(Ratio),
  notes: z.array(z.string()).default([]),
});
export type ScenarioResult = z.infer<typeof ScenarioResult>;

/** A committed baseline: the ratios accepted as normal for a scenario. */
export const Baseline = z.object({
  scenario: z.string(),
  acceptedAt: z.string(),
  machine: MachineInfo,
  ratios: z.array(Ratio),
});
export type Baseline = z.infer<typeof Baseline>;
