/**
 * Signals on kline close: when a candle of a configured interval closes, the bridge analyses the
 * window that candle completes (background priority in the analysis queue, so a user's request
 * always goes first) and publishes the result as a `signal` market update on `signals:<SYMBOL>`.
 *
 * - One analysis per (symbol, interval, close): a repeated or older close is ignored.
 * - Never crowds out requests: when the queue already holds `maxQueuedShare` of its capacity, the
 *   close is skipped (counted as `skippedSaturated`), not queued.
 * - A result whose last candle is not the one that closed (the window moved on, or lagged) is
 *   dropped and counted (`stale`), never published under the wrong candle.
 * - Failures (overload, timeouts, too few candles) are counted and logged, never thrown.
 *
 * Subscribe it AFTER the kline feed, so the feed already holds the closed candle.
 *
 * @example
 * const trigger = new SignalTrigger({ analysis, pool, intervals: ["1m"], publish: (u) => link.push(u), log });
 * source.onUpdate((u) => trigger.onUpdate(u));
 */
import type { Signal } from "@bot-core/analysis";
import { signalIdOf, type KlineInterval, type KlineUpdate, type MarketUpdate, type SignalUpdate } from "@bot-core/core";
import type { Logger } from "../log";
import type { AnalyzeRequest, AnalyzeResult } from "./service";
import type { Priority } from "./queue";

/** What the trigger needs of the analysis service and its pool. */
export interface SignalAnalysis {
  analyze(req: AnalyzeRequest, priority: Priority): Promise<AnalyzeResult>;
  /** Tasks waiting in the queue, and its capacity. */
  queueLoad(): { readonly queued: number; readonly capacity: number };
}

export interface SignalTriggerOptions {
  readonly analysis: SignalAnalysis;
  /** Intervals whose close produces a signal (default ["1m"]). */
  readonly intervals?: readonly KlineInterval[];
  readonly publish: (update: SignalUpdate) => void;
  /** Skip a close when the queue holds at least this share of its capacity (default 0.5). */
  readonly maxQueuedShare?: number;
  readonly now?: () => number;
  readonly log?: Logger;
}

export interface SignalTriggerStats {
  readonly closes: number;
  readonly published: number;
  readonly skippedSaturated: number;
  readonly stale: number;
  readonly failed: number;
  readonly inFlight: number;
}

/** At most this many reasons go on the wire (the schema allows 32). */
const MAX_REASONS = 32;
const MAX_STAGES = 16;

/** The wire form of an analysis of the candle `kline` closed. */
export function signalUpdateOf(signal: Signal, kline: Pick<KlineUpdate, "symbol" | "interval" | "openTime" | "closeTime">, now: number): SignalUpdate {
  const timings = Object.entries(signal.timingsMs).slice(0, MAX_STAGES);
  return {
    kind: "signal",
    id: signalIdOf(kline.symbol, kline.interval, kline.closeTime),
    symbol: kline.symbol,
    interval: kline.interval,
    action: signal.action,
    label: signal.label,
    confidence: signal.confidence,
    score: signal.score,
    entry: signal.entry,
    stopLoss: signal.stopLoss,
    takeProfit: signal.takeProfit,
    riskReward: signal.riskReward,
    reasons: signal.reasons.slice(0, MAX_REASONS).map((r) => ({ source: r.source, name: r.name.slice(0, 64), says: r.says, detail: r.detail.slice(0, 240) })),
    modelVersion: signal.model?.version ?? null,
    openTime: kline.openTime,
    closeTime: kline.closeTime,
    timingsMs: Object.fromEntries(timings.map(([k, v]) => [k.slice(0, 32), v])),
    eventTime: now,
    bridgeTime: now,
  };
}

export class SignalTrigger {
  readonly #opts: SignalTriggerOptions;
  readonly #intervals: ReadonlySet<KlineInterval>;
  readonly #lastClose = new Map<string, number>();
  readonly #now: () => number;
  #closes = 0;
  #published = 0;
  #skippedSaturated = 0;
  #stale = 0;
  #failed = 0;
  #inFlight = 0;
  readonly #pending = new Set<Promise<void>>();

  constructor(options: SignalTriggerOptions) {
    const share = options.maxQueuedShare ?? 0.5;
    if (!(share > 0 && share <= 1)) throw new RangeError("maxQueuedShare must be in (0, 1]");
    this.#opts = options;
    this.#intervals = new Set(options.intervals ?? ["1m"]);
    this.#now = options.now ?? Date.now;
  }

  stats(): SignalTriggerStats {
    return { closes: this.#closes, published: this.#published, skippedSaturated: this.#skippedSaturated, stale: this.#stale, failed: this.#failed, inFlight: this.#inFlight };
  }

  /** Resolves when every analysis started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  onUpdate(u: MarketUpdate): void {
    if (u.kind !== "kline" || !u.closed || !this.#intervals.has(u.interval)) return;
    const key = `${u.symbol}/${u.interval}`;
    const last = this.#lastClose.get(key);
    if (last !== undefined && u.closeTime <= last) return;
    this.#lastClose.set(key, u.closeTime);
    this.#closes++;
    const load = this.#opts.analysis.queueLoad();
    if (load.queued >= Math.max(1, Math.floor(load.capacity * (this.#opts.maxQueuedShare ?? 0.5)))) {
      this.#skippedSaturated++;
      this.#opts.log?.debug("analysis queue saturated; no signal for this close", { symbol: u.symbol, interval: u.interval, queued: load.queued });
      return;
    }
    const run = this.#run(u);
    this.#pending.add(run);
    void run.finally(() => this.#pending.delete(run));
  }

  async #run(u: KlineUpdate): Promise<void> {
    this.#inFlight++;
    try {
      const { signal } = await this.#opts.analysis.analyze({ symbol: u.symbol, interval: u.interval }, "background");
      if (signal.lastClosedOpenTime !== u.openTime) {
        this.#stale++;
        this.#opts.log?.warn("the analysed window does not end with the closed candle; signal dropped", { symbol: u.symbol, interval: u.interval, openTime: u.openTime, analysed: signal.lastClosedOpenTime });
        return;
      }
      this.#opts.publish(signalUpdateOf(signal, u, this.#now()));
      this.#published++;
    } catch (err) {
      this.#failed++;
      this.#opts.log?.warn("signal analysis failed", { symbol: u.symbol, interval: u.interval, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    } finally {
      this.#inFlight--;
    }
  }
}
