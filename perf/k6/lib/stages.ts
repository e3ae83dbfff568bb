/**
 * Load shapes. The numbers are the performance spec's (perf spec 7cce53cf, §1.1) unless a comment
 * says otherwise; LOAD_SCALE multiplies VU counts and rates for smaller environments.
 */
import type { Stage } from "k6/options";
import { LOAD_SCALE, WS_SESSION_S } from "./config.ts";
import { parseDuration } from "../validate-options.ts";

/** Scales a VU count or rate; a non-zero value never scales down to zero. */
export function scaled(n: number, factor: number = LOAD_SCALE): number {
  if (n === 0) return 0;
  return Math.max(1, Math.round(n * factor));
}

export function scaledStages(stages: readonly Stage[], factor: number = LOAD_SCALE): Stage[] {
  return stages.map((s) => ({ duration: s.duration, target: scaled(s.target, factor) }));
}

/** Market open: 100 VUs, up to 1,000 in 2 min, peak 5,000, sustained 3,000, down. 19 min. */
export const MARKET_OPEN = {
  startVUs: 100,
  stages: [
    { duration: "2m", target: 1000 }, // ramp up to market open
    { duration: "5m", target: 5000 }, // peak trading activity
    { duration: "10m", target: 3000 }, // sustained trading
    { duration: "2m", target: 0 }, // ramp down
  ] as readonly Stage[],
  gracefulRampDown: "30s",
} as const;

/** Normal trading hours: 2,000 users for 30 min (in the spec's combined run it starts at 20m). */
export const NORMAL_TRADING = { vus: 2000, duration: "30m", startTimeAfterMarketOpen: "20m" } as const;

/** API stress: 1,000 iterations (≈ requests) per second for 10 min, 50-200 VUs. */
export const API_STRESS = { rate: 1000, timeUnit: "1s", duration: "10m", preAllocatedVUs: 50, maxVUs: 200 } as const;

/**
 * Breaking point: arrival rate from 100/s to 5,000/s in 17 min. The spec gives no VU pool, which
 * k6 requires (preAllocatedVUs): ours, sized for ~100 ms responses at the top rate, are below.
 */
export const BREAKING_POINT = {
  startRate: 100,
  timeUnit: "1s",
  stages: [
    { duration: "2m", target: 500 },
    { duration: "5m", target: 1000 },
    { duration: "5m", target: 2000 },
    { duration: "5m", target: 5000 },
  ] as readonly Stage[],
  preAllocatedVUs: 200,
  maxVUs: 2000,
} as const;

/**
 * Spike (flash crash / market-open burst): from a quiet 100 users to the market-open peak of 5,000
 * within 10 s, hold, drop back, and watch the recovery (the spec's RTO is 30 s). Ours, built from
 * the spec's figures.
 */
export const SPIKE = {
  startVUs: 0,
  stages: [
    { duration: "30s", target: 100 }, // quiet market
    { duration: "1m", target: 100 },
    { duration: "10s", target: 5000 }, // the crash: everyone opens the app and trades
    { duration: "3m", target: 5000 },
    { duration: "10s", target: 100 }, // back to quiet
    { duration: "3m", target: 100 }, // recovery: latencies must come back
    { duration: "10s", target: 0 },
  ] as readonly Stage[],
  gracefulRampDown: "30s",
} as const;

/** Soak: the spec's 24-hour sustained load, at a quarter of normal trading's users. */
export const SOAK = { vus: 500, duration: "24h" } as const;

/**
 * WebSocket fan-out: sockets ramp to the market-open peak (5,000, one per dashboard user) and hold.
 * Ends within the 15 min an access token lives, so no VU has to sign in again mid-run.
 */
export const WEBSOCKET = {
  startVUs: 0,
  stages: [
    { duration: "1m", target: 1000 },
    { duration: "2m", target: 5000 },
    { duration: "8m", target: 5000 },
    { duration: "1m", target: 0 },
  ] as readonly Stage[],
  // A VU holds its socket WS_SESSION seconds: let the last sessions finish on ramp-down.
  gracefulRampDown: `${Math.ceil(WS_SESSION_S) + 15}s`,
} as const;

/** Smoke: one user, one pass over every endpoint. */
export const SMOKE = { vus: 1, iterations: 1, maxDuration: "2m" } as const;

// --- Time within a staged run ------------------------------------------------------------------

export function durationMs(duration: string): number {
  const ms = parseDuration(duration);
  if (ms === undefined || ms < 0) throw new Error(`not a duration: ${duration}`);
  return ms;
}

/** When each stage ends, in ms from the scenario's start. */
export function stageEnds(stages: readonly Stage[]): number[] {
  let t = 0;
  return stages.map((s) => (t += durationMs(s.duration)));
}

/** The target k6 is steering to `elapsedMs` into the scenario: linear within each stage. */
export function targetAt(elapsedMs: number, start: number, stages: readonly Stage[]): number {
  let from = start;
  let t0 = 0;
  for (const s of stages) {
    const d = durationMs(s.duration);
    if (elapsedMs < t0 + d) return d === 0 ? s.target : from + ((s.target - from) * (elapsedMs - t0)) / d;
    from = s.target;
    t0 += d;
  }
  return from;
}

/** Recovery Time Objective of critical trading functions (spec): 30 s. */
export const RECOVERY_TIME_MS = 30_000;

/**
 * The spike's phases: `before` (quiet), `spike` (ramp to the peak, hold, ramp down), `settling`
 * (the RTO after the spike), `recovery` (must meet the spec again).
 */
export function spikePhase(elapsedMs: number, stages: readonly Stage[] = SPIKE.stages): "before" | "spike" | "settling" | "recovery" {
  const ends = stageEnds(stages);
  const spikeStarts = ends[1]!; // after the quiet hold
  const spikeEnds = ends[4]!; // after the ramp back down
  if (elapsedMs < spikeStarts) return "before";
  if (elapsedMs < spikeEnds) return "spike";
  if (elapsedMs < spikeEnds + RECOVERY_TIME_MS) return "settling";
  return "recovery";
}

/** The soak's last tenth: degradation over the hours shows there, undiluted by the first ones. */
export function soakPhase(elapsedMs: number, duration: string = SOAK.duration): "running" | "final" {
  return elapsedMs >= durationMs(duration) * 0.9 ? "final" : "running";
}
