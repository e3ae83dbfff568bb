import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fmt, units } from "./money";
import { crosses, marketableLimitFill, restingLimitFill, trail, trailingStopPrice, triggeredFillPrice, type Tick, type TriggerSpec } from "./triggers";

const tick = (price: string, o: Partial<Record<"high" | "low" | "bid" | "ask" | "bidQty" | "askQty", string>> = {}): Tick => ({
  price: units(price),
  high: units(o.high ?? price),
  low: units(o.low ?? price),
  bid: units(o.bid ?? price),
  ask: units(o.ask ?? price),
  bidQty: units(o.bidQty ?? "10"),
  askQty: units(o.askQty ?? "10"),
  time: 0,
});
const spec = (kind: TriggerSpec["kind"], side: TriggerSpec["side"], price: string, extra: Partial<TriggerSpec> = {}): TriggerSpec => ({
  orderId: "o", userId: "u", symbol: "BTCUSDT", version: 1, kind, side, price: units(price), ...extra,
});

describe("crosses", () => {
  it("limit orders: a buy when the ask reaches it or a trade goes through it; a sell mirrored", () => {
    expect(crosses(spec("limit", "buy", "100"), tick("100.5", { ask: "100.01" }))).toBe(false);
    expect(crosses(spec("limit", "buy", "100"), tick("100.5", { ask: "100" }))).toBe(true);
    expect(crosses(spec("limit", "buy", "100"), tick("100.5", { ask: "100.5", low: "99.99" }))).toBe(true);
    expect(crosses(spec("limit", "buy", "100"), tick("100.5", { ask: "100.5", low: "100" }))).toBe(false); // touched, not through
    expect(crosses(spec("limit", "sell", "100"), tick("99", { bid: "100" }))).toBe(true);
    expect(crosses(spec("limit", "sell", "100"), tick("99", { bid: "99", high: "100.01" }))).toBe(true);
  });

  it("stops fire when the price reaches them (wicks included); take-profits the other way", () => {
    expect(crosses(spec("stop", "sell", "95"), tick("96", { low: "95" }))).toBe(true);
    expect(crosses(spec("stop", "sell", "95"), tick("96", { low: "95.01" }))).toBe(false);
    expect(crosses(spec("stop", "buy", "105"), tick("104", { high: "105" }))).toBe(true);
    expect(crosses(spec("take_profit", "sell", "110"), tick("109", { high: "110" }))).toBe(true);
    expect(crosses(spec("take_profit", "sell", "110"), tick("109"))).toBe(false);
    expect(crosses(spec("take_profit", "buy", "90"), tick("90"))).toBe(true);
  });
});

describe("triggeredFillPrice", () => {
  it("fills at the book while it is still across the trigger, else at the trigger (a wick that came back)", () => {
    expect(fmt(triggeredFillPrice("stop", "sell", units("95"), tick("94", { bid: "93.9" })))).toBe("93.9");
    expect(fmt(triggeredFillPrice("stop", "sell", units("95"), tick("97", { bid: "96.9", low: "94" })))).toBe("95");
    expect(fmt(triggeredFillPrice("stop", "buy", units("105"), tick("106", { ask: "106.1" })))).toBe("106.1");
    expect(fmt(triggeredFillPrice("take_profit", "sell", units("110"), tick("111", { bid: "110.9" })))).toBe("110.9");
    expect(fmt(triggeredFillPrice("take_profit", "sell", units("110"), tick("108", { bid: "107.9", high: "110.5" })))).toBe("110");
  });

  it("never fills a stop better than its trigger when the book is back (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 14n }), fc.bigInt({ min: 1n, max: 10n ** 14n }), (stop, bid) => {
        const t = { ...tick("1"), bid, ask: bid };
        const p = triggeredFillPrice("stop", "sell", stop, t);
        return p <= stop && (p === bid || p === stop);
      }),
    );
  });
});

describe("trailing stops", () => {
  it("a sell stop trails the high by the callback rate and never moves down", () => {
    let s = spec("trailing_stop", "sell", "98", { callbackRatePct: units("2"), extreme: units("100") });
    s = trail(s, tick("110", { high: "110" }));
    expect(fmt(s.price)).toBe("107.8");
    const same = trail(s, tick("105", { high: "105" }));
    expect(same).toBe(s);
    // a first tick below the armed level keeps the armed stop
    const fresh = trail(spec("trailing_stop", "sell", "98", { callbackRatePct: units("2") }), tick("97", { high: "97.5" }));
    expect(fmt(fresh.price)).toBe("98");
  });

  it("a buy stop trails the low", () => {
    const s = trail(spec("trailing_stop", "buy", "102", { callbackRatePct: units("1"), extreme: units("100") }), tick("90", { low: "90" }));
    expect(fmt(s.price)).toBe("90.9");
    expect(fmt(trailingStopPrice("buy", units("90"), units("1")))).toBe("90.9");
  });
});

describe("fills", () => {
  const step = units("0.001");
  it("a resting limit fills at its price, capped by the shown quantity rounded down to the step", () => {
    expect(restingLimitFill("buy", units("100"), units("5"), tick("99", { ask: "99", askQty: "1.2345" }), step)).toEqual({ qty: units("1.234"), price: units("100") });
    expect(restingLimitFill("buy", units("100"), units("1"), tick("99", { ask: "99", askQty: "7" }), step)).toEqual({ qty: units("1"), price: units("100") });
    expect(restingLimitFill("buy", units("100"), units("1"), tick("101", { ask: "101" }), step)).toBeNull();
    expect(restingLimitFill("sell", units("100"), units("1"), tick("101", { bid: "101", bidQty: "0.0004" }), step)).toBeNull();
  });

  it("a marketable limit takes the book, never above its limit", () => {
    const q = { bid: units("99"), ask: units("100"), bidQty: units("3"), askQty: units("2") };
    expect(marketableLimitFill("buy", units("101"), units("5"), q, step)).toEqual({ qty: units("2"), price: units("100") });
    expect(marketableLimitFill("buy", units("99.5"), units("5"), q, step)).toBeNull();
    expect(marketableLimitFill("sell", units("98"), units("1"), q, step)).toEqual({ qty: units("1"), price: units("99") });
  });
});
