/**
 * Binance market data as a `MarketSource`: combined streams (bookTicker, aggTrade, klines,
 * partial depth) for the configured symbols, sharded over connections, normalized into core
 * `MarketUpdate`s.
 *
 * After a reconnect the kline window would have a hole (candles that closed while the socket
 * was down never arrive on the stream). So after every reconnect each kline stream of that
 * connection is backfilled over REST (`GET /klines` from the last candle seen), in order, and
 * live candles that arrive meanwhile are held back until the backfill is out — the window has
 * no gap and never goes backwards.
 *
 * @example
 * const source = new BinanceMarketSource({ wsBaseUrl, rest, symbols: ["BTCUSDT"], intervals: ["1m"], log });
 * source.onUpdate((u) => link.push(u));
 * await source.start();
 */
import type { KlineInterval, KlineUpdate, MarketUpdate } from "@bot-core/core";
import { z } from "zod";
import type { Logger } from "../log";
import { UpdateEmitter, type MarketSource, type UpdateListener } from "../market-source";
import { ENDPOINTS, type BinanceMarket } from "./endpoints";
import { StreamShard, shardStreams, MAX_STREAMS_PER_CONNECTION } from "./market-stream";
import { StreamNormalizer, type DepthUpdate } from "./normalize";
import type { BinanceRest } from "./rest";
import { INTERVAL_MS } from "../simulator/kline";

export const STREAM_KINDS = ["bookTicker", "aggTrade", "kline", "depth"] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

export interface BinanceMarketSourceOptions {
  readonly market: BinanceMarket;
  readonly wsBaseUrl: string;
  /** Public REST (klines backfill); no credentials needed. */
  readonly rest: BinanceRest;
  readonly symbols: readonly string[];
  readonly intervals: readonly KlineInterval[];
  readonly kinds?: readonly StreamKind[];
  /** Levels of the partial depth stream: 5, 10 or 20. */
  readonly depthLevels?: 5 | 10 | 20;
  readonly log: Logger;
  readonly now?: () => number;
  readonly maxStreamsPerConnection?: number;
  readonly messagesPerSec?: number;
  readonly urlStreams?: number;
  readonly maxConnectionMs?: number;
  readonly backoff?: { initialMs: number; maxMs: number; jitter: number };
}

/** Stream names of a symbol set, lower-case as Binance requires. */
export function streamNames(symbols: readonly string[], kinds: readonly StreamKind[], intervals: readonly KlineInterval[], depthLevels = 5): string[] {
  const out: string[] = [];
  for (const symbol of symbols) {
    const s = symbol.toLowerCase();
    for (const kind of kinds) {
      if (kind === "kline") for (const i of intervals) out.push(`${s}@kline_${i}`);
      else if (kind === "depth") out.push(`${s}@depth${depthLevels}@100ms`);
      else out.push(`${s}@${kind}`);
    }
  }
  return out;
}

const KlineRow = z.tuple([z.number().int(), z.string(), z.string(), z.string(), z.string(), z.string(), z.number().int()]).rest(z.unknown());

interface KlineCursor {
  /** Open time of the newest candle emitted. */
  lastOpenTime: number;
}

export class BinanceMarketSource implements MarketSource {
  readonly kind = "binance" as const;
  readonly symbols: readonly string[];
  readonly #o: BinanceMarketSourceOptions;
  readonly #emitter: UpdateEmitter;
  readonly #depthListeners = new Set<(d: DepthUpdate) => void>();
  readonly #normalizer: StreamNormalizer;
  readonly #now: () => number;
  readonly #shards: StreamShard[] = [];
  readonly #cursors = new Map<string, KlineCursor>();
  /** Kline keys being backfilled → live candles held back meanwhile. */
  readonly #held = new Map<string, KlineUpdate[]>();
  #started = false;
  #window: number[] = [];
  readonly stats = { backfilled: 0, backfillErrors: 0, shutdowns: 0 };

  constructor(options: BinanceMarketSourceOptions) {
    this.#o = options;
    this.symbols = options.symbols.map((s) => s.toUpperCase());
    this.#emitter = new UpdateEmitter(options.log);
    this.#now = options.now ?? Date.now;
    this.#normalizer = new StreamNormalizer({ now: this.#now });
  }

  /** Updates per second over the last 10 s (shown on /health). */
  get updatesPerSec(): number {
    const now = this.#now();
    this.#window = this.#window.filter((t) => t > now - 10_000);
    return Math.round(this.#window.length / 10);
  }

  get normalizerStats() {
    return this.#normalizer.stats;
  }

  get shards(): readonly StreamShard[] {
    return this.#shards;
  }

  onUpdate(listener: UpdateListener): () => void {
    return this.#emitter.add(listener);
  }

  onDepth(listener: (d: DepthUpdate) => void): () => void {
    this.#depthListeners.add(listener);
    return () => this.#depthListeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const kinds = this.#o.kinds ?? ["bookTicker", "aggTrade", "kline"];
    const streams = streamNames(this.symbols, kinds, this.#o.intervals, this.#o.depthLevels);
    const groups = shardStreams(streams, this.#o.maxStreamsPerConnection ?? MAX_STREAMS_PER_CONNECTION);
    groups.forEach((group, id) => {
      const shard: StreamShard = new StreamShard({
        id,
        wsBaseUrl: this.#o.wsBaseUrl,
        streams: group,
        log: this.#o.log.child({ component: "binance-stream", shard: id }),
        onMessage: (raw) => this.#onMessage(raw, shard),
        onConnected: (reconnect) => {
          if (reconnect) void this.#backfill(group);
        },
        messagesPerSec: this.#o.messagesPerSec,
        urlStreams: this.#o.urlStreams,
        maxConnectionMs: this.#o.maxConnectionMs,
        backoff: this.#o.backoff,
      });
      this.#shards.push(shard);
      shard.start();
    });
    this.#o.log.info("binance market streams starting", { streams: streams.length, connections: groups.length });
  }

  async stop(): Promise<void> {
    for (const s of this.#shards) s.stop();
    this.#shards.length = 0;
    this.#started = false;
  }

  #onMessage(raw: string, shard: StreamShard): void {
    const out = this.#normalizer.normalize(raw);
    switch (out.kind) {
      case "ticker":
        this.#publish(out);
        return;
      case "kline": {
        const key = `${out.symbol} ${out.interval}`;
        const held = this.#held.get(key);
        if (held) held.push(out);
        else this.#emitKline(key, out);
        return;
      }
      case "depth":
        for (const l of this.#depthListeners) l(out);
        return;
      case "shutdown":
        this.stats.shutdowns++;
        this.#o.log.warn("exchange announced a server shutdown; moving to a new connection");
        shard.replace();
        return;
      case "response":
        if (out.error) this.#o.log.warn("exchange refused a stream request", { code: out.error.code, msg: out.error.msg });
        return;
      case "invalid":
        if (this.#normalizer.stats.invalid % 1000 === 1) this.#o.log.warn("invalid market message", { reason: out.reason, invalid: this.#normalizer.stats.invalid });
        return;
      default:
        return;
    }
  }

  #publish(update: MarketUpdate): void {
    this.#window.push(this.#now());
    if (this.#window.length > 100_000) this.#window.splice(0, 50_000);
    this.#emitter.emit(update);
  }

  /** Emits a candle unless it is older than what the window already has. */
  #emitKline(key: string, k: KlineUpdate): void {
    const cursor = this.#cursors.get(key);
    if (cursor && k.openTime < cursor.lastOpenTime) return;
    if (cursor) cursor.lastOpenTime = k.openTime;
    else this.#cursors.set(key, { lastOpenTime: k.openTime });
    this.#publish(k);
  }

  async #backfill(streams: readonly string[]): Promise<void> {
    const targets: { key: string; symbol: string; interval: KlineInterval }[] = [];
    for (const s of streams) {
      const m = /^([a-z0-9]+)@kline_(\w+)$/.exec(s);
      if (!m) continue;
      const symbol = m[1]!.toUpperCase();
      const interval = m[2] as KlineInterval;
      const key = `${symbol} ${interval}`;
      if (!this.#cursors.has(key)) continue; // nothing seen yet: no window to mend
      targets.push({ key, symbol, interval });
      if (!this.#held.has(key)) this.#held.set(key, []);
    }
    for (const t of targets) {
      try {
        await this.#backfillOne(t.key, t.symbol, t.interval);
      } catch (err) {
        this.stats.backfillErrors++;
        this.#o.log.warn("kline backfill failed", { symbol: t.symbol, interval: t.interval, err });
      } finally {
        const held = this.#held.get(t.key) ?? [];
        this.#held.delete(t.key);
        for (const k of held) this.#emitKline(t.key, k);
      }
    }
  }

  async #backfillOne(key: string, symbol: string, interval: KlineInterval): Promise<void> {
    const e = ENDPOINTS[this.#o.market];
    const step = INTERVAL_MS[interval];
    for (let page = 0; page < 50; page++) {
      const cursor = this.#cursors.get(key)!;
      const res = await this.#o.rest.request({
        method: "GET",
        path: e.klines,
        params: { symbol, interval, startTime: cursor.lastOpenTime, limit: 1000 },
        weight: e.weights.klines,
        idempotent: true,
        maxWaitMs: 60_000,
      });
      const rows = z.array(KlineRow).parse(res.body);
      const now = this.#now();
      let emitted = 0;
      for (const row of rows) {
        const [openTime, open, high, low, close, volume, closeTime] = row;
        if (openTime < cursor.lastOpenTime) continue;
        const k: KlineUpdate = { kind: "kline", symbol, interval, openTime, closeTime, open, high, low, close, volume, closed: closeTime < now, eventTime: now, bridgeTime: now };
        this.#emitKline(key, k);
        this.stats.backfilled++;
        emitted++;
      }
      // A full page may have more behind it; otherwise we are caught up.
      if (rows.length < 1000 || emitted === 0 || this.#cursors.get(key)!.lastOpenTime + step > now) return;
    }
  }
}
