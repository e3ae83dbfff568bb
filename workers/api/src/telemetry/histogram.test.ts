import { describe, expect, it } from "vitest";
import { BOUNDS_MS, bucketIndex, emptyHistogram, mergeInto, observe, percentiles, quantile } from "./histogram";

describe("latency histogram", () => {
  it("puts a value on a bound into that bound's bucket and above the last into +Inf", () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.01)).toBe(1);
    expect(bucketIndex(200)).toBe(BOUNDS_MS.indexOf(200));
    expect(bucketIndex(99_999)).toBe(BOUNDS_MS.length);
  });

  it("reads percentiles by interpolating inside the bucket, like histogram_quantile", () => {
    const h = emptyHistogram();
    for (let i = 0; i < 100; i++) observe(h, i < 90 ? 3 : 150); // 90 in (2.5,5], 10 in (100,200]
    expect(quantile(h, 0.5)).toBeCloseTo(2.5 + 2.5 * (50 / 90), 6);
    expect(quantile(h, 0.95)).toBeCloseTo(100 + 100 * (5 / 10), 6);
    expect(h.count).toBe(100);
    expect(h.sumMs).toBe(90 * 3 + 10 * 150);
  });

  it("keeps p50 <= p95 <= p99 and non-negative for any data, including junk values", () => {
    for (let trial = 0; trial < 200; trial++) {
      const h = emptyHistogram();
      const n = 1 + Math.floor(Math.random() * 300);
      for (let i = 0; i < n; i++) observe(h, [Math.random() * 40_000, -5, Number.NaN, Math.random() * 3][i % 4]!);
      const p = percentiles(h);
      expect(p.p50).toBeGreaterThanOrEqual(0);
      expect(p.p50).toBeLessThanOrEqual(p.p95);
      expect(p.p95).toBeLessThanOrEqual(p.p99);
    }
    expect(percentiles(emptyHistogram())).toEqual({ p50: 0, p95: 0, p99: 0 });
  });

  it("merges by adding counts", () => {
    const a = emptyHistogram();
    const b = emptyHistogram();
    observe(a, 4);
    observe(b, 4);
    observe(b, 700);
    mergeInto(a, b);
    expect(a.count).toBe(3);
    expect(a.buckets[bucketIndex(4)]).toBe(2);
    expect(a.buckets[bucketIndex(700)]).toBe(1);
  });
});
