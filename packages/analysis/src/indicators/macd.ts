/**
 * MACD(fast, slow, signal): EMA(fast) - EMA(slow) of the close, its EMA(signal) and the
 * histogram (macd - signal). The signal line starts once the slow EMA has a value.
 *
 * @example
 * const macd = new Macd(12, 26, 9);
 * for (const c of candles) macd.update(c.close); // macd after 26 closes, signal after 34
 */
import { Ema } from "./moving-average";

export interface MacdValue {
  readonly macd: number;
  /** Undefined until `signalPeriod` MACD values were seen. */
  readonly signal: number | undefined;
  readonly histogram: number | undefined;
}

export class Macd {
  readonly #fast: Ema;
  readonly #slow: Ema;
  readonly #signal: Ema;
  #value: MacdValue | undefined;

  constructor(
    readonly fastPeriod = 12,
    readonly slowPeriod = 26,
    readonly signalPeriod = 9,
  ) {
    if (fastPeriod >= slowPeriod) throw new RangeError("the fast period must be shorter than the slow one");
    this.#fast = new Ema(fastPeriod);
    this.#slow = new Ema(slowPeriod);
    this.#signal = new Ema(signalPeriod);
  }

  update(close: number): MacdValue | undefined {
    const fast = this.#fast.update(close);
    const slow = this.#slow.update(close);
    if (fast === undefined || slow === undefined) return undefined;
    const macd = fast - slow;
    const signal = this.#signal.update(macd);
    this.#value = { macd, signal, histogram: signal === undefined ? undefined : macd - signal };
    return this.#value;
  }

  get value(): MacdValue | undefined {
    return this.#value;
  }
}
