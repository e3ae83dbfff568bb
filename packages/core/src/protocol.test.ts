import { describe, expect, it } from "vitest";
import { BridgeFrame, channelsOf, ClientFrame, parseChannel } from "./protocol";
import { SYMBOL_RULES, symbolRules } from "./symbols";
import { signalIdOf, type SignalUpdate } from "./market";

const signal = (over: Partial<SignalUpdate> = {}): SignalUpdate => ({
  kind: "signal",
  id: signalIdOf("BTCUSDT", "1m", 1_700_000_059_999),
  symbol: "BTCUSDT",
  interval: "1m",
  action: "strong_buy",
  label: "Strong Buy",
  confidence: 0.81,
  score: 0.62,
  entry: "64000.10",
  stopLoss: "63800.00",
  takeProfit: "64400.30",
  riskReward: 2,
  reasons: [{ source: "indicator", name: "RSI(14)", says: "bullish", detail: "RSI 28 < 30: oversold" }],
  modelVersion: "signal-mlp-v1",
  openTime: 1_700_000_000_000,
  closeTime: 1_700_000_059_999,
  timingsMs: { queue: 0.2, indicators: 0.4, total: 1.1 },
  eventTime: 1_700_000_060_010,
  bridgeTime: 1_700_000_060_011,
  ...over,
});

describe("channels", () => {
  it("parses every channel kind for known symbols", () => {
    expect(parseChannel("ticker:BTCUSDT")).toEqual({ kind: "ticker", symbol: "BTCUSDT" });
    expect(parseChannel("book:ETHUSDT")).toEqual({ kind: "book", symbol: "ETHUSDT" });
    expect(parseChannel("kline:SOLUSDT:1m")).toEqual({ kind: "kline", symbol: "SOLUSDT", interval: "1m" });
    expect(parseChannel("signals:BNBUSDT")).toEqual({ kind: "signals", symbol: "BNBUSDT" });
  });

  it("rejects unknown symbols, intervals and malformed names", () => {
    for (const bad of ["ticker:NOPEUSDT", "ticker:btcusdt", "kline:BTCUSDT:7m", "kline:BTCUSDT", "tick:BTCUSDT", "ticker:", "", "ticker:BTCUSDT "]) {
      expect(parseChannel(bad), bad).toBeUndefined();
    }
  });

  it("publishes a ticker on its ticker and book channels", () => {
    const t = { kind: "ticker" as const, symbol: "BTCUSDT", price: "1", bid: "1", ask: "1", bidQty: "1", askQty: "1", eventTime: 1, bridgeTime: 1 };
    expect(channelsOf(t)).toEqual(["ticker:BTCUSDT", "book:BTCUSDT"]);
  });

  it("publishes a signal on its symbol's signals channel", () => {
    expect(channelsOf(signal())).toEqual(["signals:BTCUSDT"]);
    expect(channelsOf(signal({ symbol: "ETHUSDT", id: "ETHUSDT:5m:1" }))).toEqual(["signals:ETHUSDT"]);
  });
});

describe("client frames", () => {
  it("accepts the documented frames", () => {
    expect(ClientFrame.safeParse({ type: "subscribe", channels: ["ticker:BTCUSDT"] }).success).toBe(true);
    expect(ClientFrame.safeParse({ type: "ping" }).success).toBe(true);
    expect(ClientFrame.safeParse({ type: "auth", token: "abc" }).success).toBe(true);
  });

  it("rejects unknown types, extra fields, unknown channels and empty lists", () => {
    expect(ClientFrame.safeParse({ type: "nuke" }).success).toBe(false);
    expect(ClientFrame.safeParse({ type: "ping", extra: 1 }).success).toBe(false);
    expect(ClientFrame.safeParse({ type: "subscribe", channels: ["ticker:NOPEUSDT"] }).success).toBe(false);
    expect(ClientFrame.safeParse({ type: "subscribe", channels: [] }).success).toBe(false);
  });
});

describe("bridge frames", () => {
  it("carry signals with decimal-string prices and a well-formed id", () => {
    const frame = (u: unknown) => ({ type: "batch", seq: 1, sentAt: 1, updates: [u] });
    expect(BridgeFrame.parse(frame(signal())).type).toBe("batch");
    expect(BridgeFrame.safeParse(frame(signal({ action: "neutral", stopLoss: null, takeProfit: null, riskReward: null }))).success).toBe(true);
    const bad: unknown[] = [
      { ...signal(), entry: 64000.1 },
      signal({ id: "BTCUSDT:1m" }),
      signal({ confidence: 1.2 }),
      { ...signal(), action: "hold" },
      signal({ timingsMs: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`s${i}`, 1])) }),
      signal({ symbol: "ETHUSDT" }), // the id names another symbol
      signal({ closeTime: 1 }), // ... or another candle
    ];
    for (const u of bad) expect(BridgeFrame.safeParse(frame(u)).success, JSON.stringify(u).slice(0, 80)).toBe(false);
  });

  it("rejects prices sent as numbers", () => {
    const frame = {
      type: "batch",
      seq: 1,
      sentAt: 1,
      updates: [{ kind: "ticker", symbol: "BTCUSDT", price: 64000.1, bid: "1", ask: "1", bidQty: "1", askQty: "1", eventTime: 1, bridgeTime: 1 }],
    };
    expect(BridgeFrame.safeParse(frame).success).toBe(false);
  });
});

describe("symbol rules", () => {
  it("lists at least 20 unique USDT pairs with decimal steps", () => {
    expect(SYMBOL_RULES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(SYMBOL_RULES.map((r) => r.symbol)).size).toBe(SYMBOL_RULES.length);
    for (const r of SYMBOL_RULES) {
      expect(r.symbol.endsWith("USDT")).toBe(true);
      expect(r.tickSize).toMatch(/^\d+(\.\d+)?$/);
    }
    expect(symbolRules("BTCUSDT")?.tickSize).toBe("0.01");
  });
});
