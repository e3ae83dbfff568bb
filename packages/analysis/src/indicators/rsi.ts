/**
 * Wilder's Relative Strength Index: average gain and loss smoothed with Wilder's average,
 * RSI = 100 - 100 / (1 + avgGain / avgLoss); 100 when there were no losses, 50 when the price
 * did not move at all.
 *
 * @example
 * const rsi = new Rsi(14);
 * for (const c of candles) rsi.update(c.close); // first value after 15 closes
 */
import { WilderAverage } from "./moving-average";

export class Rsi {
  readonly #gain: WilderAverage;
  readonly #loss: WilderAverage;
  #previous: number | undefined;
  #value: number | undefined;

  constructor(readonly period = 14) {
    this.#gain = new WilderAverage(period);
    this.#loss = new WilderAverage(period);
  }

  update(close: number): number | undefined {
    const prev = this.#previous;
    this.#previous = close;
    if (prev === undefined) return undefined;
    const change = close - prev;
    const gain = this.#gain.update(change > 0 ? change : 0);
    const loss = this.#loss.update(change < 0 ? -change : 0);
    if (gain === undefined || loss === undefined) return undefined;
    this.#value = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
    return this.#value;
  }

  get value(): number | undefined {
    return this.#value;
  }
}
