import type { KlineUpdate, MarketUpdate, TickerUpdate } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { Conflator } from "./conflator";
import { signalUpdate } from "./testing/signal-fixture";

const MIN = 60_000;

function ticker(symbol: string, price: string, t = 1): TickerUpdate {
  return { kind: "ticker", symbol, price, bid: price, ask: price, bidQty: "1", askQty: "1", eventTime: t, bridgeTime: t };
}

function kline(symbol: string, openTime: number, close: string, closed: boolean, interval: KlineUpdate["interval"] = "1m"): KlineUpdate {
  return {
    kind: "kline",
    symbol,
    interval,
    openTime,
    closeTime: openTime + MIN - 1,
    open: close,
    high: close,
    low: close,
    close,
    volume: "1",
    closed,
    eventTime: openTime + 1,
    bridgeTime: openTime + 1,
  };
}

const summary = (us: MarketUpdate[]) =>
  us.map((u) => (u.kind === "ticker" ? `T ${u.symbol} ${u.price}` : u.kind === "signal" ? `S ${u.id}` : `K ${u.symbol} ${u.interval} ${u.openTime / MIN} ${u.close} ${u.closed ? "closed" : "open"}`));

describe("Conflator", () => {
  it("never lets tickers or candles push a signal out; keeps the latest per symbol and interval", () => {
    const c = new Conflator();
    c.push(signalUpdate({ closeTime: MIN - 1 }));
    for (let i = 0; i < 100; i++) c.push(ticker("BTCUSDT", String(i + 1)));
    c.push(kline("BTCUSDT", MIN, "5", false));
    c.push(signalUpdate({ symbol: "ETHUSDT", closeTime: MIN - 1 }));
    c.push(signalUpdate({ interval: "5m", closeTime: 5 * MIN - 1 }));
    c.push(kline("BTCUSDT", 0, "4", true));
    expect(c.size).toBe(6);
    expect(summary(c.drain())).toEqual([
      "K BTCUSDT 1m 0 4 closed",
      `S BTCUSDT:1m:${MIN - 1}`,
      `S ETHUSDT:1m:${MIN - 1}`,
      `S BTCUSDT:5m:${5 * MIN - 1}`,
      "T BTCUSDT 100",
      "K BTCUSDT 1m 1 5 open",
    ]);
    // An edge away for more than an interval: the newer signal of the same key wins, an older one never replaces it.
    c.push(signalUpdate({ closeTime: 2 * MIN - 1 }));
    c.push(signalUpdate({ closeTime: 3 * MIN - 1 }));
    c.push(signalUpdate({ closeTime: 2 * MIN - 1 }));
    expect(summary(c.drain())).toEqual([`S BTCUSDT:1m:${3 * MIN - 1}`]);
  });

  it("keeps only the latest ticker per symbol", () => {
    const c = new Conflator();
    c.push(ticker("BTCUSDT", "1"));
    c.push(ticker("ETHUSDT", "10"));
    c.push(ticker("BTCUSDT", "2"));
    c.push(ticker("BTCUSDT", "3"));
    expect(summary(c.drain())).toEqual(["T BTCUSDT 3", "T ETHUSDT 10"]);
    expect(c.drain()).toEqual([]);
    expect(c.size).toBe(0);
  });

  it("carries the window's traded range on the surviving ticker (a wick is not lost)", () => {
    const c = new Conflator();
    c.push(ticker("BTCUSDT", "100.5"));
    c.push(ticker("BTCUSDT", "97.25"));
    c.push(ticker("BTCUSDT", "103"));
    c.push(ticker("BTCUSDT", "101"));
    const [t] = c.drain();
    expect(t).toMatchObject({ price: "101", high: "103", low: "97.25" });
    // The next window starts from its own first ticker.
    c.push(ticker("BTCUSDT", "102"));
    expect(c.drain()[0]).not.toHaveProperty("high");
  });

  it("keeps the latest open candle per symbol and interval", () => {
    const c = new Conflator();
    c.push(kline("BTCUSDT", 0, "1", false));
    c.push(kline("BTCUSDT", 0, "2", false));
    c.push(kline("BTCUSDT", 0, "9", false, "5m"));
    expect(summary(c.drain())).toEqual(["K BTCUSDT 1m 0 2 open", "K BTCUSDT 5m 0 9 open"]);
  });

  it("never drops a closed candle, and sends it before the state of the next interval", () => {
    const c = new Conflator();
    c.push(kline("BTCUSDT", 0, "1", false));
    c.push(kline("BTCUSDT", 0, "2", true));
    c.push(kline("BTCUSDT", MIN, "3", false));
    c.push(kline("BTCUSDT", MIN, "4", true));
    c.push(kline("BTCUSDT", 2 * MIN, "5", true));
    c.push(kline("BTCUSDT", 3 * MIN, "6", false));
    c.push(ticker("BTCUSDT", "6"));
    expect(summary(c.drain())).toEqual([
      "K BTCUSDT 1m 0 2 closed",
      "K BTCUSDT 1m 1 4 closed",
      "K BTCUSDT 1m 2 5 closed",
      "K BTCUSDT 1m 3 6 open",
      "T BTCUSDT 6",
    ]);
  });

  it("drains in slices, closed candles first, leaving the rest pending", () => {
    const c = new Conflator();
    c.push(ticker("BTCUSDT", "1"));
    c.push(ticker("ETHUSDT", "2"));
    c.push(kline("BTCUSDT", 0, "5", true));
    c.push(kline("BTCUSDT", MIN, "6", true));
    expect(summary(c.drain(1))).toEqual(["K BTCUSDT 1m 0 5 closed"]);
    expect(summary(c.drain(2))).toEqual(["K BTCUSDT 1m 1 6 closed", "T BTCUSDT 1"]);
    c.push(ticker("ETHUSDT", "3")); // still conflates while pending
    expect(summary(c.drain(10))).toEqual(["T ETHUSDT 3"]);
    expect(c.size).toBe(0);
    expect(c.drain(0)).toEqual([]);
  });

  it("drops an open candle that arrives after its interval closed", () => {
    const c = new Conflator();
    c.push(kline("BTCUSDT", 0, "2", true));
    c.drain();
    c.push(kline("BTCUSDT", 0, "1", false));
    expect(c.drain()).toEqual([]);
  });

  it("bounds memory however long the edge is away", () => {
    const c = new Conflator(100);
    for (let i = 0; i < 10_000; i++) {
      c.push(ticker("BTCUSDT", String(i)));
      c.push(kline("BTCUSDT", i * MIN, String(i), false));
      c.push(kline("BTCUSDT", i * MIN, String(i), true));
    }
    expect(c.size).toBe(101);
    expect(c.dropped).toBe(9_900);
    const out = c.drain();
    // The newest closed candles survive, in order.
    expect(summary(out).slice(0, 2)).toEqual(["K BTCUSDT 1m 9900 9900 closed", "K BTCUSDT 1m 9901 9901 closed"]);
    expect(summary(out).at(-1)).toBe("T BTCUSDT 9999");
  });
});
