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
import type { AnalysisMetricsHooks } from "../metrics";
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
  /** `ai_cache_hit_rate` in the spec's metric names. */
  readonly cache: { readonly hits: number; readonly misses: number; readonly hitRate: number; readonly size: number };
  readonly pool: PoolStats;
  /** `ai_analysis_duration_ms`: the last (up to) 1,024 analyses that ran (cache misses), end to end. */
  readonly durationMs: { readonly count: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  readonly model: string | null;
}

/** An analysis slower than this is logged with its stage breakdown (NFR-PERFORMANCE-005). */
export const SLOW_ANALYSIS_MS = 5_000;
const DURATION_WINDOW = 1_024;

export interface AnalysisServiceOptions {
  readonly pool: WorkerPool;
  readonly feed?: KlineFeed;
  readonly explainer?: Explainer | null;
  readonly cacheSize?: number;
  readonly log?: Logger;
  /** Prometheus hooks (metrics.ts): cache hit/miss counters and ai_analysis_duration_ms. */
  readonly metrics?: AnalysisMetricsHooks;
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
  readonly #durations = new Float64Array(DURATION_WINDOW);
  #durationCount = 0;

  constructor(options: AnalysisServiceOptions) {
    this.#opts = options;
    this.#cacheSize = options.cacheSize ?? 1_000;
  }

  get modelVersion(): string | null {
    return this.#opts.pool.modelVersion;
  }

  stats(): AnalysisStats {
    const total = this.#hits + this.#misses;
    const n = Math.min(this.#durationCount, DURATION_WINDOW);
    const sorted = Array.from(this.#durations.subarray(0, n)).sort((a, b) => a - b);
    const q = (p: number) => (n ? Math.round(sorted[Math.min(n - 1, Math.ceil(p * n) - 1)]! * 1000) / 1000 : 0);
    return {
      cache: { hits: this.#hits, misses: this.#misses, hitRate: total ? Math.round((this.#hits / total) * 1e4) / 1e4 : 0, size: this.#cache.size },
      pool: this.#opts.pool.stats(),
      durationMs: { count: this.#durationCount, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: n ? Math.round(sorted[n - 1]! * 1000) / 1000 : 0 },
      model: this.#opts.pool.modelVersion,
    };
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
      candles = feed ? await feed.window(req.symbol, req.interval) : [];
      if (candles.length < MIN_CANDLES) throw new NotEnoughKlinesError(`the bridge holds ${candles.length} closed ${req.interval} klines of ${req.symbol}; send klines`);
      key = `${req.symbol}|${req.interval}|${candles[candles.length - 1]!.openTime}`;
    }

    let signal = this.#cache.get(key);
    const cached = signal !== undefined;
    if (signal) {
      this.#hits++;
      this.#opts.metrics?.cacheHit(req.symbol);
      this.#opts.log?.debug("analysis cache hit", { event: "analysis_cache_hit", symbol: req.symbol, interval: req.interval });
      this.#cache.delete(key);
      this.#cache.set(key, signal); // most recently used last
    } else {
      this.#misses++;
      this.#opts.metrics?.cacheMiss(req.symbol);
      this.#opts.log?.debug("analysis cache miss", { event: "analysis_cache_miss", symbol: req.symbol, interval: req.interval });
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
    const totalMs = performance.now() - t0;
    const out: Signal = { ...signal, timingsMs: { ...signal.timingsMs, total: Math.round(totalMs * 1000) / 1000 } };
    if (!cached) {
      this.#durations[this.#durationCount++ % DURATION_WINDOW] = totalMs;
      this.#opts.metrics?.analysisDone(req.symbol, signal.model?.version ?? "none", totalMs);
      if (totalMs > SLOW_ANALYSIS_MS) this.#opts.log?.warn("slow analysis", { symbol: req.symbol, interval: req.interval, timingsMs: out.timingsMs });
    }
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
