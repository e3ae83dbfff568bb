import { describe, expect, it } from "vitest";
import { INTERVAL_MS, KlineBuilder } from "./kline";

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0); // a minute boundary

describe("KlineBuilder", () => {
  it("aligns intervals to the epoch minute", () => {
    const k = new KlineBuilder(60_000, T0 + 12_345, 100);
    expect(k.openTime).toBe(T0);
    expect(k.endTime).toBe(T0 + 60_000);
    expect(k.snapshot().closeTime).toBe(T0 + 59_999);
  });

  it("builds open/high/low/close/volume from trades", () => {
    const k = new KlineBuilder(60_000, T0, 100);
    k.add(T0 + 1, 105, 2);
    k.add(T0 + 2, 99, 3);
    k.add(T0 + 3, 110, 1);
    k.add(T0 + 59_999, 104, 4);
    expect(k.snapshot()).toEqual({
      openTime: T0,
      closeTime: T0 + 59_999,
      open: 105,
      high: 110,
      low: 99,
      close: 104,
      volume: 10n,
      trades: 4,
    });
  });

  it("closes an interval exactly once, at its end", () => {
    const k = new KlineBuilder(60_000, T0, 100);
    k.add(T0 + 10, 101, 1);
    expect(k.rollTo(T0 + 59_999)).toEqual([]);
    const closed = k.rollTo(T0 + 60_000);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ openTime: T0, open: 101, close: 101, volume: 1n, trades: 1 });
    expect(k.rollTo(T0 + 60_000)).toEqual([]);
    expect(k.rollTo(T0 + 119_999)).toEqual([]);
    expect(k.openTime).toBe(T0 + 60_000);
  });

  it("starts the next interval flat at the previous close and opens it at the first trade", () => {
    const k = new KlineBuilder(60_000, T0, 100);
    k.add(T0 + 10, 120, 1);
    k.rollTo(T0 + 60_000);
    expect(k.snapshot()).toMatchObject({ open: 120, high: 120, low: 120, close: 120, volume: 0n, trades: 0 });
    k.add(T0 + 60_001, 90, 5);
    expect(k.snapshot()).toMatchObject({ open: 90, high: 90, low: 90, close: 90, volume: 5n, trades: 1 });
  });

  it("fills a gap with flat, zero-volume candles", () => {
    const k = new KlineBuilder(60_000, T0, 100);
    k.add(T0 + 1, 107, 2);
    const closed = k.rollTo(T0 + 3 * 60_000 + 5);
    expect(closed.map((c) => c.openTime)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(closed[1]).toEqual({
      openTime: T0 + 60_000,
      closeTime: T0 + 119_999,
      open: 107,
      high: 107,
      low: 107,
      close: 107,
      volume: 0n,
      trades: 0,
    });
    expect(k.openTime).toBe(T0 + 180_000);
  });

  it("skips very long gaps instead of flooding", () => {
    const k = new KlineBuilder(60_000, T0, 100, 10);
    const closed = k.rollTo(T0 + 1_000 * 60_000);
    expect(closed).toHaveLength(1);
    expect(k.openTime).toBe(T0 + 1_000 * 60_000);
  });

  it("rejects a trade outside the current interval", () => {
    const k = new KlineBuilder(60_000, T0, 100);
    expect(() => k.add(T0 + 60_000, 100, 1)).toThrow(RangeError);
    expect(() => k.add(T0 - 1, 100, 1)).toThrow(RangeError);
  });

  it("keeps the volume exact beyond 2^53 steps", () => {
    const k = new KlineBuilder(60_000, T0, 100);
    k.add(T0, 100, Number.MAX_SAFE_INTEGER);
    k.add(T0, 100, Number.MAX_SAFE_INTEGER);
    expect(k.snapshot().volume).toBe(2n * BigInt(Number.MAX_SAFE_INTEGER));
  });

  it("knows every core interval", () => {
    expect(INTERVAL_MS["4h"]).toBe(14_400_000);
    const k = new KlineBuilder(INTERVAL_MS["1d"], T0, 1);
    expect(k.openTime).toBe(Date.UTC(2024, 4, 1));
  });
});
