import { MarketUpdate } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import streams from "./fixtures/streams.json";
import { mid, StreamNormalizer } from "./normalize";

/** Wraps a documented raw payload the way a combined stream delivers it. */
const combined = (stream: string, data: unknown) => JSON.stringify({ stream, data });
const NOW = 1_700_000_000_000;

function normalizer() {
  return new StreamNormalizer({ now: () => NOW });
}

describe("StreamNormalizer", () => {
  it("turns the documented kline payload into a core KlineUpdate", () => {
    const out = normalizer().normalize(combined("bnbbtc@kline_1m", streams.kline));
    expect(out).toEqual({
      kind: "kline",
      symbol: "BNBBTC",
      interval: "1m",
      openTime: 1672515780000,
      closeTime: 1672515839999,
      open: "0.0010",
      high: "0.0025",
      low: "0.0015",
      close: "0.0020",
      volume: "1000",
      closed: false,
      eventTime: 1672515782136,
      bridgeTime: 1672515782136,
    });
    expect(MarketUpdate.safeParse(out).success).toBe(true);
  });

  it("combines the documented bookTicker and aggTrade into TickerUpdates (mid before the first trade)", () => {
    const n = normalizer();
    const book = n.normalize(combined("bnbusdt@bookTicker", streams.bookTicker));
    expect(book).toEqual({
      kind: "ticker",
      symbol: "BNBUSDT",
      price: "25.35855", // exact mid of 25.3519 and 25.3652
      bid: "25.35190000",
      ask: "25.36520000",
      bidQty: "31.21000000",
      askQty: "40.66000000",
      eventTime: NOW, // spot bookTicker carries no event time
      bridgeTime: NOW,
    });
    expect(MarketUpdate.safeParse(book).success).toBe(true);
    const trade = n.normalize(combined("bnbusdt@aggTrade", { ...streams.aggTrade, s: "BNBUSDT", p: "25.36" }));
    expect(trade).toMatchObject({ kind: "ticker", symbol: "BNBUSDT", price: "25.36", bid: "25.35190000", eventTime: 1672515782136 });
    // The last trade price sticks to later book updates.
    const book2 = n.normalize(combined("bnbusdt@bookTicker", { ...streams.bookTicker, u: 400900218, b: "25.3530" }));
    expect(book2).toMatchObject({ price: "25.36", bid: "25.3530" });
  });

  it("waits for a book before a trade becomes a ticker, and drops out-of-order book updates", () => {
    const n = normalizer();
    expect(n.normalize(combined("bnbbtc@aggTrade", streams.aggTrade))).toEqual({ kind: "skip" });
    n.normalize(combined("bnbusdt@bookTicker", streams.bookTicker));
    expect(n.normalize(combined("bnbusdt@bookTicker", { ...streams.bookTicker, u: 1, b: "1" }))).toEqual({ kind: "skip" });
  });

  it("takes the USD-M futures bookTicker's own event time", () => {
    const out = normalizer().normalize(combined("bnbusdt@bookTicker", streams.futuresBookTicker));
    expect(out).toMatchObject({ kind: "ticker", eventTime: 1568014460893 });
  });

  it("reads partial depth with the symbol from the stream name (spot and futures shapes)", () => {
    const n = normalizer();
    expect(n.normalize(combined("bnbbtc@depth5@100ms", streams.partialDepth))).toEqual({
      kind: "depth",
      symbol: "BNBBTC",
      bids: [["0.0024", "10"]],
      asks: [["0.0026", "100"]],
      lastUpdateId: 160,
      eventTime: NOW,
    });
    const futures = { e: "depthUpdate", E: 1571889248277, T: 1571889248276, s: "BTCUSDT", U: 390497796, u: 390497878, pu: 390497794, b: [["7403.89", "0.002"]], a: [["7405.96", "3.340"]] };
    expect(n.normalize(combined("btcusdt@depth5", futures))).toMatchObject({ kind: "depth", symbol: "BTCUSDT", lastUpdateId: 390497878, eventTime: 1571889248277 });
  });

  it("recognizes subscription replies, errors and serverShutdown", () => {
    const n = normalizer();
    expect(n.normalize(JSON.stringify(streams.subscribeResponse))).toEqual({ kind: "response", id: 1 });
    expect(n.normalize('{"code": 2, "msg": "Invalid request: unknown variant", "id": 7}')).toEqual({ kind: "response", id: 7, error: { code: 2, msg: "Invalid request: unknown variant" } });
    expect(n.normalize(JSON.stringify(streams.serverShutdown))).toEqual({ kind: "shutdown", eventTime: 1770123456789 });
  });

  it("reports bad input as invalid instead of throwing, and counts it", () => {
    const n = normalizer();
    const bad = [
      "not json",
      "42",
      combined("bnbbtc@kline_1m", { ...streams.kline, k: { ...streams.kline.k, o: 0.001 } }),
      combined("bnbbtc@kline_1m", { ...streams.kline, k: { ...streams.kline.k, T: 1 } }),
      combined("bnbusdt@bookTicker", { ...streams.bookTicker, b: "1e5" }),
      combined("bnbusdt@bookTicker", { ...streams.bookTicker, s: "bnb usdt" }),
      combined("bnbbtc@aggTrade", { ...streams.aggTrade, E: "soon" }),
      combined("bnbbtc@depth5", { lastUpdateId: 1, bids: [["x", "1"]], asks: [] }),
      combined("bnbbtc@trade", {}),
      JSON.stringify({ stream: "bnbbtc@aggTrade" }),
    ];
    for (const raw of bad) expect(n.normalize(raw).kind).toBe("invalid");
    expect(n.stats).toEqual({ messages: bad.length, updates: 0, invalid: bad.length });
  });

  it("skips kline intervals the edge does not keep", () => {
    expect(normalizer().normalize(combined("bnbbtc@kline_3m", { ...streams.kline, k: { ...streams.kline.k, i: "3m" } }))).toEqual({ kind: "skip" });
  });
});

describe("mid", () => {
  it("is exact in decimal", () => {
    expect(mid("0.1", "0.2")).toBe("0.15");
    expect(mid("64000.01", "64000.02")).toBe("64000.015");
    expect(mid("1", "2")).toBe("1.5");
    expect(mid("0.00000001", "0.00000002")).toBe("0.000000015");
  });
});
