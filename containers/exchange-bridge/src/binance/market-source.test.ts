/**
 * Binance market data against the fake Binance (real WebSocket + HTTP on 127.0.0.1): sharding,
 * paced subscriptions, pings, reconnects with kline backfill, proactive replacement.
 */
import type { KlineUpdate, MarketUpdate } from "@bot-core/core";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../log";
import { klineRow, startFakeBinance, type FakeBinance } from "../testing/fake-binance";
import { waitFor } from "../testing/fake-edge";
import { CircuitBreaker } from "./circuit-breaker";
import { ServerClock } from "./clock";
import streams from "./fixtures/streams.json";
import { BinanceMarketSource, streamNames } from "./market-source";
import { shardStreams } from "./market-stream";
import { RequestBudget, SPOT_LIMITS } from "./rate-limits";
import { BinanceRest } from "./rest";

const MINUTE = 60_000;
const FAST = { initialMs: 20, maxMs: 100, jitter: 0.2 };

let fake: FakeBinance | undefined;
let source: BinanceMarketSource | undefined;
afterEach(async () => {
  await source?.stop();
  await fake?.close();
  fake = source = undefined;
});

function publicRest(url: string): BinanceRest {
  const clock = new ServerClock({ fetchServerTime: async () => Date.now() });
  return new BinanceRest({ baseUrl: url, clock, budget: new RequestBudget({ limits: SPOT_LIMITS }), breaker: new CircuitBreaker(), log: silentLogger });
}

async function startSource(options: Partial<ConstructorParameters<typeof BinanceMarketSource>[0]> = {}) {
  fake = await startFakeBinance();
  source = new BinanceMarketSource({
    market: "spot",
    wsBaseUrl: fake.wsUrl,
    rest: publicRest(fake.url),
    symbols: ["BNBUSDT"],
    intervals: ["1m"],
    log: silentLogger,
    backoff: FAST,
    ...options,
  });
  const updates: MarketUpdate[] = [];
  source.onUpdate((u) => updates.push(u));
  await source.start();
  await waitFor(() => source!.shards.every((s) => s.connected), "streams connected");
  return { fake, source, updates };
}

function kline(openTime: number, close: string, closed: boolean) {
  return { ...streams.kline, E: openTime + 1_000, s: "BNBUSDT", k: { ...streams.kline.k, s: "BNBUSDT", t: openTime, T: openTime + MINUTE - 1, c: close, x: closed } };
}

describe("stream names and shards", () => {
  it("names streams in lower case and never puts more than 1,024 on a connection", () => {
    expect(streamNames(["BTCUSDT"], ["bookTicker", "aggTrade", "kline", "depth"], ["1m", "1h"], 10)).toEqual([
      "btcusdt@bookTicker",
      "btcusdt@aggTrade",
      "btcusdt@kline_1m",
      "btcusdt@kline_1h",
      "btcusdt@depth10@100ms",
    ]);
    const many = Array.from({ length: 2_500 }, (_, i) => `s${i}@aggTrade`);
    expect(shardStreams(many).map((s) => s.length)).toEqual([1024, 1024, 452]);
    expect(shardStreams(many).flat()).toEqual(many);
  });
});

describe("BinanceMarketSource against the fake Binance", () => {
  it("normalizes bookTicker + aggTrade + kline from the combined stream into MarketUpdates", async () => {
    const { fake, updates } = await startSource();
    expect(fake.marketSockets[0]!.url).toBe("/stream?streams=bnbusdt@bookTicker/bnbusdt@aggTrade/bnbusdt@kline_1m");
    fake.publish("bnbusdt@bookTicker", streams.bookTicker);
    fake.publish("bnbusdt@aggTrade", { ...streams.aggTrade, s: "BNBUSDT", p: "25.36" });
    fake.publish("bnbusdt@kline_1m", kline(1_700_000_040_000, "25.36", false));
    await waitFor(() => updates.length === 3, "three updates");
    expect(updates.map((u) => u.kind)).toEqual(["ticker", "ticker", "kline"]);
    expect(updates[1]).toMatchObject({ symbol: "BNBUSDT", price: "25.36", bid: "25.35190000" });
  });

  it("shards 1,100 streams over two connections and paces SUBSCRIBE messages under Binance's 5/s", async () => {
    const symbols = Array.from({ length: 367 }, (_, i) => `S${String(i).padStart(3, "0")}USDT`);
    const { fake } = await startSource({ symbols, urlStreams: 100, messagesPerSec: 3 });
    expect(fake.marketSockets).toHaveLength(2);
    const [a, b] = fake.marketSockets;
    await waitFor(() => a!.streams.size === 1024 && b!.streams.size === 1101 - 1024, "all subscribed", 10_000);
    expect(fake.violations).toEqual([]);
    // 1024 streams: 100 in the URL, 924 in 5 SUBSCRIBE messages of at most 200.
    expect(a!.subscribeMessages.map((m) => m.params.length)).toEqual([200, 200, 200, 200, 124]);
    const gaps = a!.subscribeMessages.slice(1).map((m, i) => m.at - a!.subscribeMessages[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(300);
    // Every stream of the set is on exactly one connection.
    const all = [...a!.streams, ...b!.streams];
    expect(new Set(all).size).toBe(1101);
  });

  it("answers the server's pings with pongs", async () => {
    const { fake } = await startSource();
    fake.ping("20s-keepalive");
    await waitFor(() => fake.marketSockets[0]!.pongs === 1, "a pong");
  });

  it("drop the socket: it reconnects and backfills the missed klines over REST, so the window has no gap", async () => {
    const { fake, source, updates } = await startSource();
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE;
    // Live: candles t0 and t0+1m; t0+1m still open when the socket drops.
    fake.publish("bnbusdt@kline_1m", kline(t0, "25.00", true));
    fake.publish("bnbusdt@kline_1m", kline(t0 + MINUTE, "25.10", false));
    await waitFor(() => updates.length === 2, "live candles");

    // While the socket is down, three more candles close on the exchange.
    fake.klines.set("BNBUSDT 1m", [
      klineRow(t0, MINUTE, "24.9", "25.1", "24.8", "25.00", "10"),
      klineRow(t0 + MINUTE, MINUTE, "25.0", "25.2", "24.9", "25.15", "11"),
      klineRow(t0 + 2 * MINUTE, MINUTE, "25.15", "25.3", "25.1", "25.20", "12"),
      klineRow(t0 + 3 * MINUTE, MINUTE, "25.2", "25.4", "25.2", "25.30", "13"),
      klineRow(t0 + 4 * MINUTE, MINUTE, "25.3", "25.5", "25.3", "25.40", "14"),
    ]);
    fake.dropMarketSockets();
    await waitFor(() => fake.marketSockets.filter((s) => !s.closed).length === 1 && source.stats.backfilled >= 4, "reconnect + backfill", 5_000);
    fake.publish("bnbusdt@kline_1m", kline(t0 + 5 * MINUTE, "25.50", false));
    await waitFor(() => updates.some((u) => u.kind === "kline" && u.openTime === t0 + 5 * MINUTE), "live after reconnect");

    const klines = updates.filter((u): u is KlineUpdate => u.kind === "kline");
    const openTimes = [...new Set(klines.map((k) => k.openTime))];
    expect(openTimes).toEqual([0, 1, 2, 3, 4, 5].map((i) => t0 + i * MINUTE)); // no gap, never backwards
    // The candle that was open at the drop is completed from REST (its final close), and closed.
    expect(klines.filter((k) => k.openTime === t0 + MINUTE).at(-1)).toMatchObject({ close: "25.15", closed: true });
    expect(fake.calls("/api/v3/klines")[0]!.params).toMatchObject({ symbol: "BNBUSDT", interval: "1m", startTime: String(t0 + MINUTE) });
  });

  it("replaces the connection before the 24 h limit without a gap (make-before-break)", async () => {
    const { fake, source, updates } = await startSource({ maxConnectionMs: 300 });
    await waitFor(() => fake.marketSockets.length >= 2 && fake.marketSockets[0]!.closed, "replacement", 3_000);
    const shard = source.shards[0]!;
    expect(shard.stats.proactive).toBeGreaterThanOrEqual(1);
    expect(shard.stats.drops).toBe(0);
    fake.publish("bnbusdt@bookTicker", streams.bookTicker);
    await waitFor(() => updates.length >= 1, "update on the new connection");
  });

  it("moves to a new connection when the server announces a shutdown", async () => {
    const { fake, source } = await startSource();
    fake.marketSockets[0]!.socket.send(JSON.stringify(streams.serverShutdown));
    await waitFor(() => fake.marketSockets.length === 2 && fake.marketSockets[0]!.closed, "replacement");
    expect(source.stats.shutdowns).toBe(1);
    expect(source.shards[0]!.stats.drops).toBe(0);
  });
});
