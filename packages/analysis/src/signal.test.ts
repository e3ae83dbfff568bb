/** The signal builder: action, confidence, tick-rounded ATR levels, reasons, schema. */
import { symbolRules, units } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import type { Candle } from "./candle";
import { FEATURE_COUNT, featureVector } from "./features";
import { IndicatorSet } from "./indicator-set";
import { marketState, MIN_CANDLES } from "./market-state";
import { actionOf, buildSignal, Signal, tradeLevels } from "./signal";
import { ohlc, randomWalkCandles } from "./testing/candles";

const btc = symbolRules("BTCUSDT")!;
const xrp = symbolRules("XRPUSDT")!;
const rising = (n = 120): Candle[] => Array.from({ length: n }, (_, i) => ohlc(100 + i * 0.5 - 0.4, 100 + i * 0.5 + 0.2, 100 + i * 0.5 - 0.6, 100 + i * 0.5, i));
const falling = (n = 120): Candle[] => rising(n).map((c) => ({ ...c, open: 300 - c.open, close: 300 - c.close, high: 300 - c.low, low: 300 - c.high }));
const onTick = (price: string, tick: string) => units(price) % units(tick) === 0n;

describe("buildSignal", () => {
  it("a steady rise with a bullish model is a buy: stop below, target above, on the tick, RR ~2", () => {
    const state = marketState(rising());
    const s = Signal.parse(buildSignal({ symbol: "BTCUSDT", interval: "1m", rules: btc, state, model: { version: "t1", probabilityUp: 0.9, horizonBars: 5 } }));
    expect(["buy", "strong_buy"]).toContain(s.action);
    expect(s.confidence).toBeGreaterThan(0.2);
    expect(s.entry).toBe("159.50");
    expect(Number(s.stopLoss)).toBeLessThan(Number(s.entry));
    expect(Number(s.takeProfit)).toBeGreaterThan(Number(s.entry));
    for (const p of [s.entry, s.stopLoss!, s.takeProfit!]) expect(onTick(p, btc.tickSize), p).toBe(true);
    expect(s.riskReward).toBeGreaterThan(1.9);
    expect(s.riskReward).toBeLessThanOrEqual(2.01);
    expect(s.reasons.find((r) => r.source === "model")).toMatchObject({ says: "bullish", weight: 1 });
    expect(s.reasons.find((r) => r.name === "trend")!.says).toBe("bullish");
    expect(s.model).toEqual({ version: "t1", probabilityUp: 0.9, horizonBars: 5 });
  });

  it("a steady fall with a bearish model is a sell: stop above, target below", () => {
    const state = marketState(falling());
    const s = buildSignal({ symbol: "BTCUSDT", interval: "1m", rules: btc, state, model: { version: "t1", probabilityUp: 0.1, horizonBars: 5 } });
    expect(["sell", "strong_sell"]).toContain(s.action);
    expect(Number(s.stopLoss)).toBeGreaterThan(Number(s.entry));
    expect(Number(s.takeProfit)).toBeLessThan(Number(s.entry));
  });

  it("rounds the stop away from the entry and the target towards it (XRP tick 0.0001)", () => {
    const s = tradeLevels(0.5, 0.00123, true, xrp);
    expect(s.entry).toBe("0.5000");
    expect(s.stopLoss).toBe("0.4981"); // 1.5 x 0.00123 = 0.001845 -> 0.0019
    expect(s.takeProfit).toBe("0.5036"); // 3 x 0.00123 = 0.00369 -> 0.0036
    expect(s.riskReward).toBe(1.89);
    expect(tradeLevels(0.5, 0.00123, false, xrp)).toEqual({ entry: "0.5000", stopLoss: "0.5019", takeProfit: "0.4964", riskReward: 1.89 });
    // A stop that would be at or below zero is one tick; no ATR, no levels.
    expect(tradeLevels(0.001, 0.01, true, xrp)).toMatchObject({ entry: "0.0010", stopLoss: "0.0001", takeProfit: "0.0310" });
    expect(tradeLevels(0.5, 0, true, xrp)).toEqual({ entry: "0.5000", stopLoss: null, takeProfit: null, riskReward: null });
  });

  it("no clear opinion is neutral, with no levels to trade", () => {
    const flat = Array.from({ length: 80 }, (_, i) => ohlc(100, 100.3, 99.7, 100 + (i % 2 ? 0.1 : -0.1), i));
    const s = buildSignal({ symbol: "BTCUSDT", interval: "1m", rules: btc, state: marketState(flat), model: { version: "t1", probabilityUp: 0.5, horizonBars: 5 } });
    expect(s.action).toBe("neutral");
    expect(s.stopLoss).toBeNull();
    expect(s.takeProfit).toBeNull();
    expect(s.riskReward).toBeNull();
    expect(s.confidence).toBeGreaterThan(0);
  });

  it("without a model the signal rests on the indicators and says so", () => {
    const s = buildSignal({ symbol: "BTCUSDT", interval: "1m", rules: btc, state: marketState(rising()), model: null });
    expect(s.model).toBeNull();
    expect(s.reasons.some((r) => r.source === "model")).toBe(false);
    expect(s.timingsMs).toHaveProperty("indicators");
  });

  it("maps scores to actions at the documented thresholds", () => {
    expect([0.5, 0.2, 0.19, -0.19, -0.2, -0.5].map(actionOf)).toEqual(["strong_buy", "buy", "neutral", "neutral", "sell", "strong_sell"]);
  });
});

describe("market state and features", () => {
  it("needs enough candles", () => {
    expect(() => marketState(rising(MIN_CANDLES - 1))).toThrow(RangeError);
  });

  it("builds a finite, clipped feature vector in the documented order", () => {
    const cs = randomWalkCandles(500, 5);
    const set = new IndicatorSet();
    cs.forEach((c) => set.update(c));
    const x = featureVector(cs, set.snapshot());
    expect(x.length).toBe(FEATURE_COUNT);
    for (const v of x) {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v)).toBeLessThanOrEqual(10);
    }
    const last = cs.at(-1)!.close;
    expect(x[0]).toBeCloseTo(100 * (last / cs.at(-2)!.close - 1), 5); // ret_1 in percent
    expect(x[3]).toBeCloseTo((set.snapshot().rsi14! - 50) / 50, 5);
  });
});
