/**
 * The analysis service: where the klines come from (the request, or the bridge's kline feed),
 * the in-process cache (keyed by symbol, interval and the last closed kline's openTime, so a new
 * candle invalidates), one in-flight analysis per key, the worker pool, and the optional
 * explanation.
 *
 * @example
 * const service = new AnalysisService({ pool, feed });
 * const { signal, cached } = await service.analyze({ symbol: "BTCUSDT", interval: "1m" }, "user");
 */
import { candleFromKline, isChronological, MIN_CANDLES, type AnalysisKline, type Candle, type Signal } from "@bot-core/analysis";
import { isKnownSymbol, type KlineInterval } from "@bot-core/core";
import type { Logger } from "../log";
import type { Explainer } from "./explain";
import type { KlineFeed } from "./kline-feed";
import { packCandles } from "./pipeline";
import type { PoolStats, WorkerPool } from "./pool";
import type { Priority } from "./queue";

export class UnknownSymbolError extends Error {
  override readonly name = "UnknownSymbolError";
  constructor(readonly symbol: string) {
    super(`unknown symbol ${symbol}`);
  }
}

export class NotEnoughKlinesError extends Error {
  override readonly name = "NotEnoughKlinesError";
}

export interface AnalyzeRequest {
  readonly symbol: string;
  readonly interval: KlineInterval;
  /** Closed klines, oldest first; without them the bridge's own window is used. */
  readonly klines?: readonly AnalysisKline[];
  /** Ask the explainer, when one is configured (otherwise ignored). */
  readonly explain?: boolean;
}

export interface AnalyzeResult {
  readonly signal: Signal;
  readonly cached: boolean;
}

export interface AnalysisStats {
  readonly cache: { readonly hits: number; readonly misses: number; readonly hitRate: number; readonly size: number };
  readonly pool: PoolStats;
}

export interface AnalysisServiceOptions {
  readonly pool: WorkerPool;
  readonly feed?: KlineFeed;
  readonly explainer?: Explainer | null;
  readonly cacheSize?: number;
  readonly log?: Logger;
}

function fingerprint(k: AnalysisKline, first: AnalysisKline, count: number): string {
  return `${count}:${first.openTime}:${k.open}:${k.high}:${k.low}:${k.close}:${k.volume}`;
}

export class AnalysisService {
  readonly #cache = new Map<string, Signal>();
  readonly #inFlight = new Map<string, Promise<Signal>>();
  readonly #opts: AnalysisServiceOptions;
  readonly #cacheSize: number;
  #hits = 0;
  #misses = 0;

  constructor(options: AnalysisServiceOptions) {
    this.#opts = options;
    this.#cacheSize = options.cacheSize ?? 1_000;
  }

  get modelVersion(): string | null {
    return this.#opts.pool.modelVersion;
  }

  stats(): AnalysisStats {
    const total = this.#hits + this.#misses;
    return { cache: { hits: this.#hits, misses: this.#misses, hitRate: total ? this.#hits / total : 0, size: this.#cache.size }, pool: this.#opts.pool.stats() };
  }

  async analyze(req: AnalyzeRequest, priority: Priority): Promise<AnalyzeResult> {
    const t0 = performance.now();
    if (!isKnownSymbol(req.symbol)) throw new UnknownSymbolError(req.symbol);
    let candles: Candle[];
    let key: string;
    if (req.klines) {
      if (req.klines.length < MIN_CANDLES) throw new NotEnoughKlinesError(`at least ${MIN_CANDLES} klines are needed, got ${req.klines.length}`);
      if (!isChronological(req.klines)) throw new NotEnoughKlinesError("klines must be closed candles in increasing openTime order, without repeats");
      const last = req.klines[req.klines.length - 1]!;
      key = `${req.symbol}|${req.interval}|${last.openTime}|${fingerprint(last, req.klines[0]!, req.klines.length)}`;
      candles = req.klines.map(candleFromKline);
    } else {
      const feed = this.#opts.feed;
      candles = feed ? feed.window(req.symbol, req.interval) : [];
      if (candles.length < MIN_CANDLES) throw new NotEnoughKlinesError(`the bridge holds ${candles.length} closed ${req.interval} klines of ${req.symbol}; send klines`);
      key = `${req.symbol}|${req.interval}|${candles[candles.length - 1]!.openTime}`;
    }

    let signal = this.#cache.get(key);
    const cached = signal !== undefined;
    if (signal) {
      this.#hits++;
      this.#cache.delete(key);
      this.#cache.set(key, signal); // most recently used last
    } else {
      this.#misses++;
      let pending = this.#inFlight.get(key);
      if (!pending) {
        pending = this.#opts.pool
          .run({ symbol: req.symbol, interval: req.interval, candles: packCandles(candles) }, priority)
          .then(({ signal: s, queueMs }) => {
            s.timingsMs = { ...s.timingsMs, queue: Math.round(queueMs * 1000) / 1000 };
            this.#store(key, s);
            return s;
          })
          .finally(() => this.#inFlight.delete(key));
        this.#inFlight.set(key, pending);
      }
      signal = await pending;
    }
    const out: Signal = { ...signal, timingsMs: { ...signal.timingsMs, total: Math.round((performance.now() - t0) * 1000) / 1000 } };
    if (req.explain && this.#opts.explainer) {
      const t1 = performance.now();
      try {
        out.explanation = await this.#opts.explainer.explain(out);
      } catch (err) {
        this.#opts.log?.warn("the explanation failed; the signal goes without it", { err: err instanceof Error ? err.message : String(err) });
      }
      out.timingsMs = { ...out.timingsMs, explanation: Math.round((performance.now() - t1) * 1000) / 1000 };
    }
    return { signal: out, cached };
  }

  #store(key: string, s: Signal): void {
    this.#cache.set(key, s);
    if (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
  }
}
