/**
 * Slow stochastic oscillator (kPeriod, kSmoothing, dPeriod), e.g. (14, 3, 3):
 * raw %K = 100 · (close - lowest low) / (highest high - lowest low) over kPeriod candles (50 when
 * the range is flat), %K = SMA(kSmoothing) of raw %K, %D = SMA(dPeriod) of %K.
 * Per candle: O(kPeriod) for the range scan — constant, whatever the window length.
 *
 * @example
 * const st = new Stochastic(14, 3, 3);
 * for (const c of candles) st.update(c); // { k, d } after 14 + 2 + 2 candles
 */
import type { Candle } from "../candle";
import { RollingWindow, Sma } from "./moving-average";

export interface StochasticValue {
  readonly k: number;
  readonly d: number;
}

export class Stochastic {
  readonly #highs: RollingWindow;
  readonly #lows: RollingWindow;
  readonly #k: Sma;
  readonly #d: Sma;
  #value: StochasticValue | undefined;

  constructor(
    readonly kPeriod = 14,
    readonly kSmoothing = 3,
    readonly dPeriod = 3,
  ) {
    this.#highs = new RollingWindow(kPeriod);
    this.#lows = new RollingWindow(kPeriod);
    this.#k = new Sma(kSmoothing);
    this.#d = new Sma(dPeriod);
  }

  update(c: Pick<Candle, "high" | "low" | "close">): StochasticValue | undefined {
    this.#highs.push(c.high);
    this.#lows.push(c.low);
    if (!this.#highs.full) return undefined;
    const hh = this.#highs.max();
    const ll = this.#lows.min();
    const raw = hh === ll ? 50 : (100 * (c.close - ll)) / (hh - ll);
    const k = this.#k.update(raw);
    if (k === undefined) return undefined;
    const d = this.#d.update(k);
    if (d === undefined) return undefined;
    this.#value = { k, d };
    return this.#value;
  }

  get value(): StochasticValue | undefined {
    return this.#value;
  }
}
