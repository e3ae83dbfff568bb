/**
 * Candles built from trades, in whole ticks and steps.
 *
 * Follows Binance's conventions: intervals are aligned to the Unix epoch (so UTC), `closeTime` is
 * the last millisecond of the interval, `open` is the first trade's price, `high`/`low` the
 * extremes, `close` the last trade, `volume` the sum of traded quantity. An interval without
 * trades is flat at the previous close with zero volume.
 *
 * @example
 * const k = new KlineBuilder(60_000, t0, 6_400_000);
 * k.add(t0 + 5, 6_400_010, 3);
 * const closed = k.rollTo(t0 + 60_000); // the finished candle(s), oldest first
 */
import type { KlineInterval } from "@bot-core/core";

export const INTERVAL_MS: Readonly<Record<KlineInterval, number>> = {
  "1m": 60_000,
  "5m": 5 * 60_000,
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "4h": 4 * 3_600_000,
  "1d": 86_400_000,
};

/** Gaps longer than this many empty intervals are skipped instead of filled with flat candles. */
export const DEFAULT_MAX_BACKFILL = 1440;

export interface KlineSnapshot {
  readonly openTime: number;
  /** Last millisecond of the interval (openTime + interval - 1). */
  readonly closeTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Sum of traded quantity, in steps (bigint: exact for any number of trades). */
  readonly volume: bigint;
  readonly trades: number;
}

export class KlineBuilder {
  #openTime: number;
  #open: number;
  #high: number;
  #low: number;
  #close: number;
  #volume = 0n;
  #trades = 0;

  constructor(
    readonly intervalMs: number,
    startTime: number,
    referenceTicks: number,
    private readonly maxBackfill = DEFAULT_MAX_BACKFILL,
  ) {
    if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new RangeError("intervalMs must be a positive integer");
    this.#openTime = alignDown(startTime, intervalMs);
    this.#open = this.#high = this.#low = this.#close = referenceTicks;
  }

  get openTime(): number {
    return this.#openTime;
  }

  /** First millisecond of the next interval. */
  get endTime(): number {
    return this.#openTime + this.intervalMs;
  }

  get trades(): number {
    return this.#trades;
  }

  /** Adds a trade inside the current interval (call `rollTo(time)` first). */
  add(time: number, priceTicks: number, qtySteps: number): void {
    if (time < this.#openTime || time >= this.endTime) {
      throw new RangeError(`trade at ${time} is outside the current interval [${this.#openTime}, ${this.endTime})`);
    }
    if (this.#trades === 0) {
      this.#open = this.#high = this.#low = priceTicks;
    } else {
      if (priceTicks > this.#high) this.#high = priceTicks;
      if (priceTicks < this.#low) this.#low = priceTicks;
    }
    this.#close = priceTicks;
    this.#volume += BigInt(qtySteps);
    this.#trades++;
  }

  /** The current interval's state so far. */
  snapshot(): KlineSnapshot {
    return {
      openTime: this.#openTime,
      closeTime: this.endTime - 1,
      open: this.#open,
      high: this.#high,
      low: this.#low,
      close: this.#close,
      volume: this.#volume,
      trades: this.#trades,
    };
  }

  /**
   * Finishes every interval that ended at or before `now` and starts the one containing `now`.
   * Returns the finished candles, oldest first (empty if the interval has not ended yet).
   */
  rollTo(now: number): KlineSnapshot[] {
    if (now < this.endTime) return [];
    const closed = [this.snapshot()];
    const reference = this.#close;
    const target = alignDown(now, this.intervalMs);
    const empty = (target - this.endTime) / this.intervalMs;
    if (empty <= this.maxBackfill) {
      for (let openTime = this.endTime; openTime < target; openTime += this.intervalMs) {
        closed.push(flat(openTime, this.intervalMs, reference));
      }
    }
    this.#openTime = target;
    this.#open = this.#high = this.#low = this.#close = reference;
    this.#volume = 0n;
    this.#trades = 0;
    return closed;
  }
}

function alignDown(time: number, intervalMs: number): number {
  return time - (((time % intervalMs) + intervalMs) % intervalMs);
}

function flat(openTime: number, intervalMs: number, ticks: number): KlineSnapshot {
  return { openTime, closeTime: openTime + intervalMs - 1, open: ticks, high: ticks, low: ticks, close: ticks, volume: 0n, trades: 0 };
}
