/**
 * Per-window conflation of market updates on their way to the edge.
 *
 * Within one window only the latest ticker per symbol and the latest open candle per
 * (symbol, interval) survive: the edge needs the current state, not every intermediate one.
 * Closed candles are final records and are all kept, in order. Memory is therefore bounded by
 * the number of keys, plus the closed candles of an outage — which are capped too
 * (`maxPendingClosed`, oldest dropped first and counted), so a week-long edge outage cannot
 * exhaust memory. Signals are never conflated with market state: the latest signal per
 * (symbol, interval) is kept apart and sent right after the closed candles, so a window full of
 * tickers cannot push one out.
 *
 * @example
 * const c = new Conflator();
 * c.push(ticker1); c.push(ticker2); // same symbol
 * c.drain(); // [ticker2]
 */
import { parseDecimal, type KlineUpdate, type MarketUpdate, type SignalUpdate, type TickerUpdate } from "@bot-core/core";

/** `next` with high/low widened to cover `prev`'s range (decimal strings compared exactly). */
export function withRange(next: TickerUpdate, prev: TickerUpdate): TickerUpdate {
  const hi = (t: TickerUpdate) => t.high ?? t.price;
  const lo = (t: TickerUpdate) => t.low ?? t.price;
  const high = parseDecimal(hi(prev), 18) > parseDecimal(hi(next), 18) ? hi(prev) : hi(next);
  const low = parseDecimal(lo(prev), 18) < parseDecimal(lo(next), 18) ? lo(prev) : lo(next);
  return { ...next, high, low };
}

/** Default cap of closed candles held while the edge is unreachable (~41 h of 1m candles for 20 symbols). */
export const DEFAULT_MAX_PENDING_CLOSED = 50_000;

export class Conflator {
  readonly #latest = new Map<string, MarketUpdate>();
  readonly #lastClosedOpenTime = new Map<string, number>();
  #closed: KlineUpdate[] = [];
  readonly #signals = new Map<string, SignalUpdate>();
  #dropped = 0;

  constructor(private readonly maxPendingClosed = DEFAULT_MAX_PENDING_CLOSED) {
    if (!Number.isSafeInteger(maxPendingClosed) || maxPendingClosed < 1) throw new RangeError("maxPendingClosed must be >= 1");
  }

  /** Updates waiting to be sent. */
  get size(): number {
    return this.#latest.size + this.#closed.length + this.#signals.size;
  }

  /** Closed candles dropped because the pending cap was reached. */
  get dropped(): number {
    return this.#dropped;
  }

  push(update: MarketUpdate): void {
    if (update.kind === "ticker") {
      const key = `t:${update.symbol}`;
      const pending = this.#latest.get(key);
      // The surviving ticker carries the window's traded range, so a wick still reaches the
      // edge's stops and limits.
      this.#latest.set(key, pending?.kind === "ticker" ? withRange(update, pending) : update);
      return;
    }
    if (update.kind === "signal") {
      // Latest per (symbol, interval): only an edge outage longer than an interval replaces one.
      const key = `${update.symbol}:${update.interval}`;
      const pending = this.#signals.get(key);
      if (!pending || pending.closeTime <= update.closeTime) this.#signals.set(key, update);
      return;
    }
    const key = `k:${update.symbol}:${update.interval}`;
    const lastClosed = this.#lastClosedOpenTime.get(key);
    if (!update.closed) {
      // An open candle for an interval that has already closed is stale.
      if (lastClosed === undefined || update.openTime > lastClosed) this.#latest.set(key, update);
      return;
    }
    // The closed candle supersedes any pending open state of the same interval.
    const pending = this.#latest.get(key);
    if (pending?.kind === "kline" && pending.openTime <= update.openTime) this.#latest.delete(key);
    if (lastClosed === undefined || update.openTime > lastClosed) this.#lastClosedOpenTime.set(key, update.openTime);
    this.#closed.push(update);
    if (this.#closed.length > this.maxPendingClosed) {
      const excess = this.#closed.length - this.maxPendingClosed;
      this.#closed.splice(0, excess);
      this.#dropped += excess;
    }
  }

  /**
   * Takes up to `max` pending updates: closed candles first (oldest first), then signals, then
   * the latest states. What is not taken stays pending (and keeps conflating).
   */
  drain(max = Infinity): MarketUpdate[] {
    if (this.size === 0 || !(max > 0)) return [];
    let out: MarketUpdate[];
    if (this.#closed.length <= max) {
      out = this.#closed;
      this.#closed = [];
    } else {
      out = this.#closed.splice(0, max);
    }
    for (const [key, update] of this.#signals) {
      if (out.length >= max) break;
      out.push(update);
      this.#signals.delete(key);
    }
    for (const [key, update] of this.#latest) {
      if (out.length >= max) break;
      out.push(update);
      this.#latest.delete(key);
    }
    return out;
  }
}
