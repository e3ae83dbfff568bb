import { describe, expect, it } from "vitest";
import { BridgeFrame, channelsOf, ClientFrame, parseChannel } from "./protocol";
import { SYMBOL_RULES, symbolRules } from "./symbols";

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
