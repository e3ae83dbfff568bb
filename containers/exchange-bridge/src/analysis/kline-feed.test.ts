/** The kline feed: seeded history, live candles, the join between them, the window's bound. */
import type { KlineUpdate } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { KlineFeed } from "./kline-feed";

const T0 = Date.UTC(2024, 4, 1, 12, 0, 30);
const kline = (openTime: number, close: string): KlineUpdate => ({
  kind: "kline",
  symbol: "BTCUSDT",
  interval: "1m",
  openTime,
  closeTime: openTime + 59_999,
  open: close,
  high: close,
  low: close,
  close,
  volume: "1",
  closed: true,
  eventTime: openTime + 60_000,
  bridgeTime: openTime + 60_000,
});

describe("KlineFeed", () => {
  it("fills a series once for concurrent requests, yielding to the event loop while it does", async () => {
    const feed = new KlineFeed({ seed: 9, now: () => T0, capacity: 500 });
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      const [a, b] = await Promise.all([feed.window("SOLUSDT", "1m"), feed.window("SOLUSDT", "1m")]);
      expect(a).toEqual(b);
      expect(a.length).toBe(500);
      expect(turns).toBeGreaterThan(0); // timers ran while history was generated
    } finally {
      clearInterval(ticker);
    }
  });

  it("history that arrives after live candles started goes before them", async () => {
    const feed = new KlineFeed({ seed: 5, now: () => T0, capacity: 60 });
    const first = Math.floor(T0 / 60_000) * 60_000;
    const pending = feed.window("BTCUSDT", "1m"); // starts generating history
    feed.onUpdate(kline(first, "65000")); // a live candle lands meanwhile
    const w = await pending;
    expect(w.at(-1)!.close).toBe(65000);
    expect(w.length).toBe(60);
    for (let i = 1; i < w.length; i++) expect(w[i]!.openTime).toBeGreaterThan(w[i - 1]!.openTime);
  });

  it("without live candles: `capacity` candles of seeded history, ending at the last boundary, the same every time", async () => {
    const a = new KlineFeed({ seed: 42, now: () => T0, capacity: 300 });
    const w = await a.window("BTCUSDT", "5m");
    expect(w.length).toBe(300);
    expect(w.at(-1)!.openTime).toBe(Math.floor(T0 / 300_000) * 300_000 - 300_000);
    for (let i = 1; i < w.length; i++) expect(w[i]!.openTime - w[i - 1]!.openTime).toBe(300_000);
    expect(await new KlineFeed({ seed: 42, now: () => T0, capacity: 300 }).window("BTCUSDT", "5m")).toEqual(w);
    expect(await new KlineFeed({ seed: 43, now: () => T0, capacity: 300 }).window("BTCUSDT", "5m")).not.toEqual(w);
  });

  it("history moves on with the clock, one new candle per boundary", async () => {
    let now = T0;
    const feed = new KlineFeed({ seed: 1, now: () => now, capacity: 100 });
    const before = await feed.window("ETHUSDT", "1m");
    now += 60_000;
    const after = await feed.window("ETHUSDT", "1m");
    expect(after.length).toBe(100);
    expect(after.at(-1)!.openTime).toBe(before.at(-1)!.openTime + 60_000);
    expect(after.slice(0, -1)).toEqual(before.slice(1));
  });

  it("live candles are appended; history before them is rescaled to meet the first live open", async () => {
    const feed = new KlineFeed({ seed: 7, now: () => T0, capacity: 50 });
    const first = Math.floor(T0 / 60_000) * 60_000;
    feed.onUpdate(kline(first, "70000"));
    feed.onUpdate(kline(first + 60_000, "70100"));
    feed.onUpdate(kline(first + 60_000, "1")); // a repeat is ignored
    feed.onUpdate({ ...kline(first + 120_000, "5"), closed: false }); // an open candle is ignored
    const w = await feed.window("BTCUSDT", "1m");
    expect(w.length).toBe(50);
    expect(w.slice(-2).map((c) => c.close)).toEqual([70000, 70100]);
    expect(w[47]!.close).toBeCloseTo(70000, 6); // the last history close meets the first live open
    expect(w[47]!.openTime).toBe(first - 60_000);
  });

  it("keeps at most `capacity` candles", async () => {
    const feed = new KlineFeed({ seed: 7, now: () => T0, capacity: 40 });
    for (let i = 0; i < 100; i++) feed.onUpdate(kline(i * 60_000, String(100 + i)));
    const w = await feed.window("BTCUSDT", "1m");
    expect(w.length).toBe(40);
    expect(w[0]!.close).toBe(160);
  });
});
