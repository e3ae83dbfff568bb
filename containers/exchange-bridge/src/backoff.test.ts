import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_BACKOFF, maxBackoffDelay } from "./backoff";

describe("backoffDelay", () => {
  it("doubles from 0.5 s up to the 10 s cap", () => {
    const delays = Array.from({ length: 8 }, (_, i) => backoffDelay(i, DEFAULT_BACKOFF, () => 0));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
  });

  it("adds up to 20 % jitter and never exceeds the bound", () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0.5)).toBe(550);
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0.999_999)).toBe(600);
    expect(maxBackoffDelay(DEFAULT_BACKOFF)).toBe(12_000);
    for (let attempt = 0; attempt < 100; attempt++) {
      const d = backoffDelay(attempt, DEFAULT_BACKOFF, Math.random);
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(12_000);
    }
  });

  it("stays finite for huge attempt counts and treats negative ones as the first", () => {
    expect(backoffDelay(1e9, DEFAULT_BACKOFF, () => 0)).toBe(10_000);
    expect(backoffDelay(-3, DEFAULT_BACKOFF, () => 0)).toBe(500);
  });
});
