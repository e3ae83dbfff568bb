/**
 * Bollinger Bands(period, k): SMA(period) ± k population standard deviations of the close.
 * The running sums are kept relative to the first close seen (a shift), so the variance of a
 * 60,000-dollar price moving by cents does not drown in cancellation.
 *
 * @example
 * const bb = new Bollinger(20, 2);
 * for (const c of candles) bb.update(c.close);
 * bb.value; // { middle, upper, lower, width, percentB }
 */
import { RollingWindow } from "./moving-average";

export interface BollingerValue {
  readonly middle: number;
  readonly upper: number;
  readonly lower: number;
  readonly stdDev: number;
  /** (upper - lower) / middle. */
  readonly width: number;
  /** Where the last close sits in the band: 0 at the lower band, 1 at the upper (0.5 when the band is flat). */
  readonly percentB: number;
}

export class Bollinger {
  readonly #window: RollingWindow;
  #shift: number | undefined;
  #sum = 0;
  #sumSq = 0;
  #sinceResum = 0;
  #value: BollingerValue | undefined;

  constructor(
    readonly period = 20,
    readonly k = 2,
  ) {
    this.#window = new RollingWindow(period);
  }

  update(close: number): BollingerValue | undefined {
    this.#shift ??= close;
    const d = close - this.#shift;
    const out = this.#window.push(d);
    this.#sum += d - (out ?? 0);
    this.#sumSq += d * d - (out === undefined ? 0 : out * out);
    if (++this.#sinceResum >= 1024) this.#resum();
    if (!this.#window.full) return undefined;
    const n = this.period;
    const meanD = this.#sum / n;
    const variance = Math.max(0, this.#sumSq / n - meanD * meanD);
    const stdDev = Math.sqrt(variance);
    const middle = this.#shift + meanD;
    const upper = middle + this.k * stdDev;
    const lower = middle - this.k * stdDev;
    this.#value = { middle, upper, lower, stdDev, width: middle === 0 ? 0 : (upper - lower) / middle, percentB: upper === lower ? 0.5 : (close - lower) / (upper - lower) };
    return this.#value;
  }

  #resum(): void {
    this.#sinceResum = 0;
    let s = 0;
    let q = 0;
    for (let i = 0; i < this.#window.size; i++) {
      const v = this.#window.at(i);
      s += v;
      q += v * v;
    }
    this.#sum = s;
    this.#sumSq = q;
  }

  get value(): BollingerValue | undefined {
    return this.#value;
  }
}
