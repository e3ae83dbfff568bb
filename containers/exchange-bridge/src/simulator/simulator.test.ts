import {
  MarketUpdate,
  parseDecimal,
  pricePrecision,
  quantityPrecision,
  SYMBOL_NAMES,
  symbolRules,
  type KlineUpdate,
  type TickerUpdate,
} from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { MarketSimulator, type SimTrade } from "./simulator";

const T0 = Date.UTC(2024, 4, 1, 12, 0, 17, 250); // deliberately not on a minute boundary
const MINUTE = 60_000;

/** Runs the simulator on a fixed clock: `steps` calls, `stepMs` apart, `perStep` tickers each. */
function run(seed: number, steps: number, stepMs: number, perStep: number, onTrade?: (t: SimTrade) => void) {
  const sim = new MarketSimulator({ seed, startTime: T0, ...(onTrade ? { onTrade } : {}) });
  const out = [];
  for (let i = 1; i <= steps; i++) out.push(...sim.advance(T0 + i * stepMs, perStep));
  return out;
}

function units(value: string, scale: number): bigint {
  return parseDecimal(value, scale);
}

function rulesOf(symbol: string) {
  const rules = symbolRules(symbol);
  if (!rules) throw new Error(symbol);
  return { rules, ps: pricePrecision(rules), qs: quantityPrecision(rules) };
}

const isTicker = (u: MarketUpdate): u is TickerUpdate => u.kind === "ticker";
const isKline = (u: MarketUpdate): u is KlineUpdate => u.kind === "kline";

describe("MarketSimulator", () => {
  it("is deterministic: same seed and clock give identical output; another seed differs", () => {
    const a = run(42, 200, 50, 7);
    const b = run(42, 200, 50, 7);
    expect(a.length).toBeGreaterThan(1400);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(run(43, 200, 50, 7))).not.toBe(JSON.stringify(a));
  });

  it("emits only updates that pass the core schema, on tick and step sizes, with a sane book", () => {
    const updates = run(7, 3 * 60 * 10, 100, 4); // 3 minutes at 40 updates/s
    for (const u of updates) {
      expect(MarketUpdate.safeParse(u).success).toBe(true);
      const { rules, ps, qs } = rulesOf(u.symbol);
      const tick = units(rules.tickSize, ps);
      const step = units(rules.stepSize, qs);
      const prices = isTicker(u) ? [u.price, u.bid, u.ask] : [u.open, u.high, u.low, u.close];
      for (const p of prices) {
        expect(units(p, ps) % tick, `${u.symbol} ${p}`).toBe(0n);
        expect(units(p, ps) >= tick).toBe(true);
      }
      if (isTicker(u)) {
        const [bid, ask, price] = [units(u.bid, ps), units(u.ask, ps), units(u.price, ps)];
        expect(ask - bid >= tick).toBe(true);
        expect(price === bid || price === ask).toBe(true);
        for (const q of [u.bidQty, u.askQty]) {
          expect(units(q, qs) % step).toBe(0n);
          expect(units(q, qs) >= units(rules.minQty, qs)).toBe(true);
          expect(units(q, qs) <= units(rules.maxQty, qs)).toBe(true);
        }
      } else {
        expect(units(u.volume, qs) % step).toBe(0n);
        expect(units(u.low, ps) <= units(u.open, ps) && units(u.open, ps) <= units(u.high, ps)).toBe(true);
        expect(units(u.low, ps) <= units(u.close, ps) && units(u.close, ps) <= units(u.high, ps)).toBe(true);
      }
    }
  });

  it("covers every symbol, starting near realistic prices, busier symbols more often", () => {
    const updates = run(1, 100, 100, 20).filter(isTicker);
    const count = new Map<string, number>();
    const first = new Map<string, string>();
    for (const u of updates) {
      count.set(u.symbol, (count.get(u.symbol) ?? 0) + 1);
      if (!first.has(u.symbol)) first.set(u.symbol, u.price);
    }
    expect([...count.keys()].sort()).toEqual([...SYMBOL_NAMES].sort());
    expect(Number(first.get("BTCUSDT"))).toBeGreaterThan(63_000);
    expect(Number(first.get("BTCUSDT"))).toBeLessThan(65_000);
    expect(Number(first.get("ETHUSDT"))).toBeGreaterThan(3_350);
    expect(Number(first.get("ETHUSDT"))).toBeLessThan(3_450);
    expect(count.get("BTCUSDT")!).toBeGreaterThan(3 * count.get("FILUSDT")!);
  });

  it("builds candles that agree with the ticks: open first, high/low extremes, close last, volume = traded sum", () => {
    const trades: SimTrade[] = [];
    const updates = run(3, 4 * 60 * 20, 50, 3, (t) => trades.push(t)); // 4 minutes, 60 updates/s
    const closed = updates.filter(isKline).filter((k) => k.closed);
    expect(closed.length).toBeGreaterThanOrEqual(4 * SYMBOL_NAMES.length);

    const tickers = updates.filter(isTicker);
    let checkedWithTrades = 0;
    for (const k of closed) {
      const { ps, qs } = rulesOf(k.symbol);
      const inMinute = (t: number) => t >= k.openTime && t <= k.closeTime;
      const ticks = tickers.filter((u) => u.symbol === k.symbol && inMinute(u.eventTime));
      const traded = trades.filter((t) => t.symbol === k.symbol && inMinute(t.time));
      expect(ticks.length).toBe(traded.length);
      if (ticks.length === 0) {
        expect(units(k.volume, qs)).toBe(0n);
        expect(new Set([k.open, k.high, k.low, k.close]).size).toBe(1);
        continue;
      }
      checkedWithTrades++;
      const prices = ticks.map((u) => units(u.price, ps));
      expect(k.open).toBe(ticks[0]!.price);
      expect(k.close).toBe(ticks.at(-1)!.price);
      expect(units(k.high, ps)).toBe(prices.reduce((a, b) => (b > a ? b : a)));
      expect(units(k.low, ps)).toBe(prices.reduce((a, b) => (b < a ? b : a)));
      const step = units(symbolRules(k.symbol)!.stepSize, qs);
      expect(units(k.volume, qs)).toBe(traded.reduce((sum, t) => sum + BigInt(t.qtySteps) * step, 0n));
    }
    expect(checkedWithTrades).toBeGreaterThan(60);
  });

  it("closes each candle exactly once, at the minute boundary, in time order", () => {
    const updates = run(5, 3 * 60 * 10, 100, 4);
    const closed = updates.filter(isKline).filter((k) => k.closed);
    // The first candle is the partial minute the simulation started in.
    const firstOpen = T0 - (T0 % MINUTE);
    for (const symbol of SYMBOL_NAMES) {
      const opens = closed.filter((k) => k.symbol === symbol).map((k) => k.openTime);
      expect(opens).toEqual([firstOpen, firstOpen + MINUTE, firstOpen + 2 * MINUTE]);
    }
    for (const k of closed) {
      expect(k.closeTime).toBe(k.openTime + MINUTE - 1);
      expect(k.eventTime).toBe(k.openTime + MINUTE);
    }
    // Event times never go backwards, so a closed candle comes after all of its minute's ticks.
    for (let i = 1; i < updates.length; i++) {
      expect(updates[i]!.eventTime).toBeGreaterThanOrEqual(updates[i - 1]!.eventTime);
    }
  });

  it("publishes the open candle on its first trade and then at most once a second per symbol", () => {
    const updates = run(8, 600, 100, 20); // one minute at 200 updates/s
    const lastPrice = new Map<string, string>();
    const lastOpenKline = new Map<string, number>();
    for (const u of updates) {
      if (isTicker(u)) lastPrice.set(u.symbol, u.price);
      else if (!u.closed) {
        // An open candle carries the state right after the latest tick.
        expect(u.close).toBe(lastPrice.get(u.symbol));
        const prev = lastOpenKline.get(u.symbol);
        if (prev !== undefined && u.openTime <= prev) {
          expect(u.eventTime - prev).toBeGreaterThanOrEqual(1000);
        }
        lastOpenKline.set(u.symbol, u.eventTime);
      }
    }
    expect(lastOpenKline.size).toBe(SYMBOL_NAMES.length);
  });

  it("spreads event times over the elapsed interval and tolerates a clock that steps back", () => {
    const sim = new MarketSimulator({ seed: 1, startTime: T0, symbols: ["BTCUSDT"] });
    const times = sim.advance(T0 + 100, 4).filter(isTicker).map((u) => u.eventTime);
    expect(times).toEqual([T0 + 25, T0 + 50, T0 + 75, T0 + 100]);
    const back = sim.advance(T0 + 50, 2).filter(isTicker);
    expect(back.map((u) => u.eventTime)).toEqual([T0 + 100, T0 + 100]);
    expect(sim.now).toBe(T0 + 100);
  });

  it("closes candles when time passes without any trade", () => {
    const sim = new MarketSimulator({ seed: 1, startTime: T0, symbols: ["ETHUSDT", "BTCUSDT"] });
    const out = sim.advance(T0 + 2 * MINUTE, 0);
    expect(out.every((u) => isKline(u) && u.closed && u.volume === (u.symbol === "BTCUSDT" ? "0.00000" : "0.0000"))).toBe(true);
    expect(out.map((u) => u.symbol)).toEqual(["ETHUSDT", "BTCUSDT", "ETHUSDT", "BTCUSDT"]);
    expect(out.filter(isKline).map((k) => k.open)).toEqual(["3400.00", "64000.00", "3400.00", "64000.00"]);
  });

  it("rejects bad input", () => {
    expect(() => new MarketSimulator({ seed: 1, startTime: T0, symbols: [] })).toThrow();
    expect(() => new MarketSimulator({ seed: 1, startTime: T0, symbols: ["NOPEUSDT"] })).toThrow(/unknown symbol/);
    expect(() => new MarketSimulator({ seed: 1, startTime: T0, symbols: ["BTCUSDT", "BTCUSDT"] })).toThrow(/duplicate/);
    const sim = new MarketSimulator({ seed: 1, startTime: T0 });
    expect(() => sim.advance(T0 + 1, -1)).toThrow(RangeError);
    expect(() => sim.advance(Number.NaN, 1)).toThrow(RangeError);
  });
});
