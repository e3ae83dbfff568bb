/**
 * Volume indicators: On-Balance Volume (0 at the first candle, then ± the candle's volume as the
 * close rises or falls), VWAP anchored at the first candle of the window (typical price
 * (h + l + c) / 3 weighted by volume), and the average volume over `period` candles.
 *
 * @example
 * const obv = new Obv(); const vwap = new Vwap();
 * for (const c of candles) { obv.update(c); vwap.update(c); }
 */
import type { Candle } from "../candle";

export class Obv {
  #previousClose: number | undefined;
  #value = 0;
  #seen = false;

  update(c: Pick<Candle, "close" | "volume">): number {
    if (this.#previousClose !== undefined) {
      if (c.close > this.#previousClose) this.#value += c.volume;
      else if (c.close < this.#previousClose) this.#value -= c.volume;
    }
    this.#previousClose = c.close;
    this.#seen = true;
    return this.#value;
  }

  get value(): number | undefined {
    return this.#seen ? this.#value : undefined;
  }
}

export class Vwap {
  #pv = 0;
  #volume = 0;
  #lastTypical: number | undefined;

  update(c: Pick<Candle, "high" | "low" | "close" | "volume">): number {
    const typical = (c.high + c.low + c.close) / 3;
    this.#pv += typical * c.volume;
    this.#volume += c.volume;
    this.#lastTypical = typical;
    return this.value!;
  }

  /** With no volume at all yet: the last typical price. */
  get value(): number | undefined {
    return this.#volume > 0 ? this.#pv / this.#volume : this.#lastTypical;
  }
}
