import type { MarketUpdate } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { HubForwarding } from "./hub-forwarding";

const ticker = (price: string, t: number): MarketUpdate => ({ kind: "ticker", symbol: "BTCUSDT", price, bid: price, ask: price, bidQty: "1", askQty: "1", eventTime: t, bridgeTime: t });
const candle = (close: string, t: number, closed: boolean): MarketUpdate => ({
  kind: "kline", symbol: "BTCUSDT", interval: "1m", openTime: 0, closeTime: 59_999, open: "1", high: close, low: "1", close, volume: "1", closed, eventTime: t, bridgeTime: t,
});
const prices = (us: MarketUpdate[]) => us.map((u) => (u.kind === "ticker" ? u.price : u.kind === "kline" ? `k${u.close}${u.closed ? "!" : ""}` : "s"));

describe("HubForwarding", () => {
  it("sends the first batch at once, then holds an unwatched hub's state and sends only the latest when due", () => {
    const f = new HubForwarding(250);
    expect(prices(f.offer("BTCUSDT", [ticker("1", 0)], 0, false))).toEqual(["1"]);
    expect(f.offer("BTCUSDT", [ticker("2", 10)], 10, false)).toEqual([]);
    expect(f.offer("BTCUSDT", [ticker("3", 20), candle("3", 20, false)], 20, false)).toEqual([]);
    expect(f.nextDueAt()).toBe(250);
    expect(f.takeDue(249).size).toBe(0);
    expect(prices(f.takeDue(250).get("BTCUSDT")!)).toEqual(["3", "k3"]);
    expect(f.nextDueAt()).toBeNull();
  });

  it("sends every batch to a watched hub, with whatever was held before it", () => {
    const f = new HubForwarding(250);
    f.offer("BTCUSDT", [ticker("1", 0)], 0, false);
    f.offer("BTCUSDT", [ticker("2", 10)], 10, false);
    expect(prices(f.offer("BTCUSDT", [ticker("3", 20)], 20, true))).toEqual(["2", "3"]);
    expect(prices(f.offer("BTCUSDT", [ticker("4", 30)], 30, true))).toEqual(["4"]);
    expect(f.nextDueAt()).toBeNull();
  });

  it("never holds records: a closed candle or a signal flushes the symbol at once, in arrival order", () => {
    const f = new HubForwarding(250);
    f.offer("BTCUSDT", [ticker("1", 0)], 0, false);
    f.offer("BTCUSDT", [candle("2", 10, false)], 10, false);
    const sent = f.offer("BTCUSDT", [candle("2", 20, true), ticker("3", 20)], 20, false);
    expect(prices(sent)).toEqual(["k2", "k2!", "3"]);
    const signal: MarketUpdate = { kind: "signal", symbol: "BTCUSDT", id: "s1", interval: "1m", direction: "long", confidence: 0.8, reason: "x", eventTime: 30, bridgeTime: 30 } as unknown as MarketUpdate;
    expect(f.offer("BTCUSDT", [signal], 30, false)).toHaveLength(1);
  });

  it("keeps symbols apart", () => {
    const f = new HubForwarding(100);
    const eth = { ...ticker("9", 0), symbol: "ETHUSDT" } as MarketUpdate;
    f.offer("BTCUSDT", [ticker("1", 0)], 0, false);
    f.offer("ETHUSDT", [eth], 50, false);
    f.offer("BTCUSDT", [ticker("2", 60)], 60, false);
    f.offer("ETHUSDT", [eth], 70, false);
    expect(f.nextDueAt()).toBe(100);
    expect([...f.takeDue(100).keys()]).toEqual(["BTCUSDT"]);
    expect([...f.takeDue(150).keys()]).toEqual(["ETHUSDT"]);
  });
});
