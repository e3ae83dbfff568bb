/** Candlestick patterns, levels and trend on constructed candles. */
import { describe, expect, it } from "vitest";
import type { Candle } from "../candle";
import { IndicatorSet } from "../indicator-set";
import { ohlc } from "../testing/candles";
import { detectCandlestickPatterns, fibonacciRetracement, linearSlope, supportResistance, swingPivots, trendOf } from "./index";

/** Ten candles falling (or rising) one point each, bodies of 1: the context before the pattern. */
function context(direction: "down" | "up", from = 110): Candle[] {
  return Array.from({ length: 10 }, (_, i) => {
    const o = direction === "down" ? from - i : from + i;
    const c = direction === "down" ? o - 1 : o + 1;
    return ohlc(o, Math.max(o, c) + 0.2, Math.min(o, c) - 0.2, c, i);
  });
}

const names = (cs: Candle[]) => detectCandlestickPatterns(cs).map((h) => h.name);

describe("candlestick patterns", () => {
  it("doji: a body of at most 10% of the range", () => {
    expect(names([...context("up"), ohlc(120, 121, 119, 120.05)])).toContain("doji");
    expect(names([...context("up"), ohlc(120, 121, 119, 120.5)])).not.toContain("doji");
  });

  it("hammer after a decline, not after an advance", () => {
    const hammer = ohlc(100, 100.6, 97, 100.5); // body 0.5, lower shadow 3, upper 0.1
    expect(names([...context("down"), hammer])).toContain("hammer");
    expect(names([...context("up", 90), hammer])).not.toContain("hammer");
  });

  it("shooting star after an advance", () => {
    const star = ohlc(120, 123, 119.9, 119.6 + 0.0); // body 0.4 (bearish), upper 3, lower 0.3
    expect(names([...context("up"), { ...star, low: 119.5 }])).toContain("shooting_star");
    expect(names([...context("down"), { ...star, low: 119.5 }])).not.toContain("shooting_star");
  });

  it("bullish and bearish engulfing", () => {
    const down = context("down");
    expect(names([...down, ohlc(100, 100.2, 98.8, 99, 10), ohlc(98.8, 100.6, 98.7, 100.5, 11)])).toContain("bullish_engulfing");
    const up = context("up");
    expect(names([...up, ohlc(120, 121.2, 119.8, 121, 10), ohlc(121.2, 121.3, 119.5, 119.6, 11)])).toContain("bearish_engulfing");
    // Same colours: no engulfing.
    expect(names([...down, ohlc(99, 100.2, 98.8, 100, 10), ohlc(98.8, 100.6, 98.7, 100.5, 11)])).not.toContain("bullish_engulfing");
  });

  it("bullish and bearish harami", () => {
    expect(names([...context("down"), ohlc(100, 100.1, 97.9, 98, 10), ohlc(98.5, 99.3, 98.4, 99.2, 11)])).toContain("bullish_harami");
    expect(names([...context("up"), ohlc(120, 122.1, 119.9, 122, 10), ohlc(121.5, 121.6, 120.7, 120.8, 11)])).toContain("bearish_harami");
    // The second body is not inside the first: no harami.
    expect(names([...context("down"), ohlc(100, 100.1, 97.9, 98, 10), ohlc(98.5, 100.6, 98.4, 100.5, 11)])).not.toContain("bullish_harami");
  });

  it("morning and evening star", () => {
    const morning = [...context("down"), ohlc(100, 100.1, 97.9, 98, 10), ohlc(97.8, 98, 97.4, 97.7, 11), ohlc(97.9, 99.6, 97.8, 99.5, 12)];
    expect(names(morning)).toContain("morning_star");
    const evening = [...context("up"), ohlc(120, 122.1, 119.9, 122, 10), ohlc(122.2, 122.6, 122, 122.3, 11), ohlc(122.1, 122.2, 120.4, 120.5, 12)];
    expect(names(evening)).toContain("evening_star");
    // A third candle that does not reach the middle of the first body: no star.
    const weak = [...morning.slice(0, -1), ohlc(97.9, 98.6, 97.8, 98.5, 12)];
    expect(names(weak)).not.toContain("morning_star");
  });

  it("three white soldiers and three black crows", () => {
    const soldiers = [...context("down"), ohlc(100, 101.1, 99.9, 101, 10), ohlc(100.5, 102.1, 100.4, 102, 11), ohlc(101.5, 103.1, 101.4, 103, 12)];
    expect(names(soldiers)).toContain("three_white_soldiers");
    const crows = [...context("up"), ohlc(120, 120.1, 118.9, 119, 10), ohlc(119.5, 119.6, 117.9, 118, 11), ohlc(118.5, 118.6, 116.9, 117, 12)];
    expect(names(crows)).toContain("three_black_crows");
    // A gap up open (outside the previous body) breaks the soldiers.
    const gapped = [...soldiers.slice(0, -1), ohlc(102.5, 104.1, 102.4, 104, 12)];
    expect(names(gapped)).not.toContain("three_white_soldiers");
  });

  it("a staircase of rising candles opening at the previous close is three white soldiers", () => {
    expect(names(context("up"))).toEqual(["three_white_soldiers"]);
  });

  it("ordinary candles are no pattern", () => {
    // Rising candles that each open above the previous body (gaps): no soldiers, nothing else.
    const gaps = Array.from({ length: 12 }, (_, i) => ohlc(100 + i * 2, 101.2 + i * 2, 99.8 + i * 2, 101 + i * 2, i));
    expect(detectCandlestickPatterns(gaps)).toEqual([]);
    expect(detectCandlestickPatterns([])).toEqual([]);
  });
});

describe("support, resistance and Fibonacci", () => {
  // A zig-zag between 100 and 110 with pivots every 5 candles, ending at 105.
  const zigzag: Candle[] = [];
  for (let i = 0; i < 41; i++) {
    const phase = i % 10;
    const mid = phase <= 5 ? 100 + phase * 2 : 110 - (phase - 5) * 2;
    zigzag.push(ohlc(mid, mid + 0.5, mid - 0.5, mid, i));
  }
  zigzag.push(ohlc(105, 105.2, 104.8, 105, 41));

  it("finds swing highs and lows", () => {
    const pivots = swingPivots(zigzag, 3);
    expect(pivots.filter((p) => p.kind === "high").map((p) => p.index)).toEqual([5, 15, 25, 35]);
    expect(pivots.filter((p) => p.kind === "low").map((p) => p.index)).toEqual([10, 20, 30]);
  });

  it("merges pivots into levels with touch counts: support below, resistance above the close", () => {
    const sr = supportResistance(zigzag);
    expect(sr.support).toEqual([{ price: 99.5, touches: 3 }]);
    expect(sr.resistance).toEqual([{ price: 110.5, touches: 4 }]);
  });

  it("Fibonacci retracements of the largest swing", () => {
    const up = [ohlc(100, 101, 99, 100, 0), ohlc(100, 150, 100, 149, 1), ohlc(149, 200, 148, 199, 2), ohlc(199, 199, 180, 185, 3)];
    const fib = fibonacciRetracement(up)!;
    expect(fib).toMatchObject({ swingHigh: 200, swingLow: 99, direction: "up" });
    expect(fib.levels.find((l) => l.ratio === 0.5)!.price).toBeCloseTo(149.5, 10);
    expect(fib.levels.find((l) => l.ratio === 0.618)!.price).toBeCloseTo(200 - 0.618 * 101, 10);
    const down = fibonacciRetracement(up.map((c, i) => ({ ...c, high: 300 - c.low, low: 300 - c.high, open: 300 - c.open, close: 300 - c.close, openTime: i })))!;
    expect(down.direction).toBe("down");
    expect(down.levels.find((l) => l.ratio === 0.382)!.price).toBeCloseTo(100 + 0.382 * 101, 10);
  });
});

describe("trend", () => {
  it("least-squares slope of a line is its slope", () => {
    expect(linearSlope([1, 3, 5, 7])).toBeCloseTo(2, 12);
    expect(linearSlope([5])).toBe(0);
  });

  const run = (closes: number[]) => {
    const set = new IndicatorSet();
    const cs = closes.map((c, i) => ohlc(c - 0.1, c + 0.3, c - 0.3, c, i));
    cs.forEach((c) => set.update(c));
    return trendOf(cs, set.snapshot());
  };

  it("a steady rise is an up trend with a strong ADX; a fall is down; noise around a level is sideways", () => {
    const up = run(Array.from({ length: 120 }, (_, i) => 100 + i * 0.5));
    expect(up.direction).toBe("up");
    expect(up.adx!).toBeGreaterThan(40);
    expect(up.strength).toBeGreaterThan(0.8);
    const down = run(Array.from({ length: 120 }, (_, i) => 200 - i * 0.5));
    expect(down.direction).toBe("down");
    const flat = run(Array.from({ length: 120 }, (_, i) => 100 + (i % 2 ? 0.2 : -0.2)));
    expect(flat.direction).toBe("sideways");
    expect(flat.strength).toBeLessThan(0.3);
  });
});
