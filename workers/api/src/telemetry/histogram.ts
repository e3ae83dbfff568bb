/**
 * Fixed-bucket latency histograms (milliseconds): cheap to record (one comparison loop, no
 * allocation), mergeable across isolates and minutes by adding counts, and read as percentiles
 * the way Prometheus' histogram_quantile does (linear interpolation inside the bucket).
 */

/** Upper bounds in ms; a last implicit bucket holds everything above (+Inf). */
export const BOUNDS_MS: readonly number[] = [1, 2.5, 5, 10, 25, 50, 100, 200, 300, 500, 1000, 2500, 5000, 10000, 30000];

export interface Histogram {
  count: number;
  sumMs: number;
  /** Non-cumulative counts per bucket, BOUNDS_MS.length + 1 entries (last = +Inf). */
  buckets: number[];
}

export function emptyHistogram(): Histogram {
  return { count: 0, sumMs: 0, buckets: new Array<number>(BOUNDS_MS.length + 1).fill(0) };
}

export function bucketIndex(ms: number): number {
  let i = 0;
  while (i < BOUNDS_MS.length && ms > (BOUNDS_MS[i] as number)) i++;
  return i;
}

export function observe(h: Histogram, ms: number): void {
  const v = Number.isFinite(ms) && ms > 0 ? ms : 0;
  h.count++;
  h.sumMs += v;
  h.buckets[bucketIndex(v)]! += 1;
}

/** Adds `from` into `into` (same bucket layout; shorter or malformed input is ignored per slot). */
export function mergeInto(into: Histogram, from: Histogram): void {
  into.count += from.count;
  into.sumMs += from.sumMs;
  for (let i = 0; i < into.buckets.length; i++) into.buckets[i]! += from.buckets[i] ?? 0;
}

/**
 * The q-quantile (0..1) in ms, 0 for an empty histogram. Monotonic in q by construction, so
 * p50 <= p95 <= p99 always holds; a quantile in the +Inf bucket reads as the last finite bound.
 */
export function quantile(h: Histogram, q: number): number {
  if (h.count === 0) return 0;
  const rank = q * h.count;
  let seen = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const n = h.buckets[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      if (i >= BOUNDS_MS.length) return BOUNDS_MS[BOUNDS_MS.length - 1] as number;
      const lo = i === 0 ? 0 : (BOUNDS_MS[i - 1] as number);
      const hi = BOUNDS_MS[i] as number;
      return lo + (hi - lo) * Math.max(0, Math.min(1, (rank - seen) / n));
    }
    seen += n;
  }
  return BOUNDS_MS[BOUNDS_MS.length - 1] as number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export function percentiles(h: Histogram): Percentiles {
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(quantile(h, 0.5)), p95: r(quantile(h, 0.95)), p99: r(quantile(h, 0.99)) };
}
