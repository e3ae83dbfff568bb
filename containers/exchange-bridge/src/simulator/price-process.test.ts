import { describe, expect, it } from "vitest";
import { DEFAULT_PROCESS_PARAMS, MAX_TICKS, PriceProcess, SUBTICKS, YEAR_MS, type PriceProcessParams } from "./price-process";
import { Random } from "./random";

const CALM: Omit<PriceProcessParams, "annualVol"> = { ...DEFAULT_PROCESS_PARAMS, volOfVol: 0, jumpsPerHour: 0 };

function make(startTicks: number, annualVol: number, seed = 1, params: Omit<PriceProcessParams, "annualVol"> = DEFAULT_PROCESS_PARAMS) {
  return new PriceProcess(startTicks, { ...params, annualVol }, Random.fromSeed(seed));
}

/** Annualized realized volatility of `prices` sampled every `sampleMs`. */
function realizedVol(prices: number[], sampleMs: number): number {
  let sumSq = 0;
  for (let i = 1; i < prices.length; i++) sumSq += Math.log(prices[i]! / prices[i - 1]!) ** 2;
  return Math.sqrt((sumSq / (prices.length - 1)) * (YEAR_MS / sampleMs));
}

/** Steps the process in `stepMs` steps and samples `read()` every `sampleMs`. */
function path(p: PriceProcess, read: () => number, totalMs: number, stepMs: number, sampleMs: number): number[] {
  const out = [read()];
  for (let t = stepMs; t <= totalMs; t += stepMs) {
    p.advance(stepMs);
    if (t % sampleMs === 0) out.push(read());
  }
  return out;
}

describe("PriceProcess", () => {
  it("keeps the fair value a whole number of sub-ticks and at least one tick", () => {
    const p = make(1, 20, 3); // one tick, absurd volatility: pushes against the floor
    for (let i = 0; i < 20_000; i++) {
      p.advance(60_000);
      expect(Number.isSafeInteger(p.fairSubticks)).toBe(true);
      expect(p.fairSubticks).toBeGreaterThanOrEqual(SUBTICKS);
      expect(p.floorTicks).toBeGreaterThanOrEqual(1);
    }
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const run = (seed: number) => {
      const p = make(6_400_000, 0.55, seed);
      return path(p, () => p.fairSubticks, 60_000, 100, 1_000);
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it("does not move when no time passes", () => {
    const p = make(6_400_000, 0.55);
    const before = p.fairSubticks;
    expect(p.advance(0)).toBe(false);
    expect(p.fairSubticks).toBe(before);
  });

  it("realizes its volatility on a coarse tick even when each step moves far less than a tick", () => {
    // TRXUSDT-like: 1200 ticks (tick = 8 bps), 20 ms steps move ~0.017 tick each. Rounding each
    // step to whole ticks would freeze this price or triple its volatility.
    const p = make(1_200, 0.55, 5, CALM);
    const prices = path(p, () => p.floorTicks, 6 * 3_600_000, 20, 600_000);
    expect(new Set(prices).size).toBeGreaterThan(10);
    const vol = realizedVol(prices, 600_000);
    expect(vol).toBeGreaterThan(0.55 * 0.7);
    expect(vol).toBeLessThan(0.55 * 1.35);
  });

  it("has the same volatility whatever the step length", () => {
    const measure = (stepMs: number) => {
      let sum = 0;
      for (const seed of [11, 12, 13, 14]) {
        const p = make(6_400_000, 0.6, seed, CALM);
        sum += realizedVol(path(p, () => p.fairSubticks, 3_600_000, stepMs, 60_000), 60_000);
      }
      return sum / 4;
    };
    for (const stepMs of [5, 1_000, 60_000]) {
      expect(measure(stepMs)).toBeGreaterThan(0.6 * 0.85);
      expect(measure(stepMs)).toBeLessThan(0.6 * 1.15);
    }
  });

  it("clusters volatility: big moves follow big moves", () => {
    // Lag-1 autocorrelation of absolute 1-minute returns over 5 simulated days.
    const absReturns = (params: Omit<PriceProcessParams, "annualVol">) => {
      const p = make(6_400_000, 0.55, 21, params);
      const prices = path(p, () => p.fairSubticks, 5 * 86_400_000, 5_000, 60_000);
      return prices.slice(1).map((x, i) => Math.abs(Math.log(x / prices[i]!)));
    };
    const autocorr = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      let num = 0;
      let den = 0;
      for (let i = 0; i < xs.length; i++) {
        den += (xs[i]! - mean) ** 2;
        if (i > 0) num += (xs[i]! - mean) * (xs[i - 1]! - mean);
      }
      return num / den;
    };
    expect(autocorr(absReturns(DEFAULT_PROCESS_PARAMS))).toBeGreaterThan(0.1);
    expect(Math.abs(autocorr(absReturns(CALM)))).toBeLessThan(0.03);
  });

  it("jumps at about the configured rate and jumps raise the volatility", () => {
    const p = make(6_400_000, 0.55, 31, { ...DEFAULT_PROCESS_PARAMS, jumpsPerHour: 2 });
    let jumps = 0;
    let boosted = 0;
    for (let t = 0; t < 100 * 3_600_000; t += 10_000) {
      const before = p.volRatio;
      if (p.advance(10_000)) {
        jumps++;
        if (p.volRatio > before * 1.5) boosted++;
      }
    }
    // Poisson(200): ± 3 standard deviations.
    expect(jumps).toBeGreaterThan(157);
    expect(jumps).toBeLessThan(243);
    expect(boosted).toBeGreaterThan(jumps * 0.8);
  });

  it("rejects start prices that are not whole ticks in range", () => {
    expect(() => make(0, 0.5)).toThrow(RangeError);
    expect(() => make(1.5, 0.5)).toThrow(RangeError);
    expect(() => make(MAX_TICKS + 1, 0.5)).toThrow(RangeError);
    expect(() => make(100, 0)).toThrow(RangeError);
  });
});
