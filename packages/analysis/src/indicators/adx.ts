/**
 * Wilder's Directional Movement: +DI, -DI and the Average Directional Index (trend strength,
 * 0-100, direction-free). The first values come after `period` + 1 candles (DI) and
 * 2·`period` candles (ADX).
 *
 * @example
 * const adx = new Adx(14);
 * for (const c of candles) adx.update(c); // { adx, plusDi, minusDi }
 */
import type { Candle } from "../candle";
import { trueRange } from "./atr";
import { WilderAverage } from "./moving-average";

export interface AdxValue {
  /** Undefined until `period` DX values were seen. */
  readonly adx: number | undefined;
  readonly plusDi: number;
  readonly minusDi: number;
}

export class Adx {
  readonly #tr: WilderAverage;
  readonly #plus: WilderAverage;
  readonly #minus: WilderAverage;
  readonly #adx: WilderAverage;
  #previous: Pick<Candle, "high" | "low" | "close"> | undefined;
  #value: AdxValue | undefined;

  constructor(readonly period = 14) {
    this.#tr = new WilderAverage(period);
    this.#plus = new WilderAverage(period);
    this.#minus = new WilderAverage(period);
    this.#adx = new WilderAverage(period);
  }

  update(c: Pick<Candle, "high" | "low" | "close">): AdxValue | undefined {
    const prev = this.#previous;
    this.#previous = { high: c.high, low: c.low, close: c.close };
    if (!prev) return undefined;
    const up = c.high - prev.high;
    const down = prev.low - c.low;
    const tr = this.#tr.update(trueRange(c, prev.close));
    const plus = this.#plus.update(up > down && up > 0 ? up : 0);
    const minus = this.#minus.update(down > up && down > 0 ? down : 0);
    if (tr === undefined || plus === undefined || minus === undefined) return undefined;
    const plusDi = tr === 0 ? 0 : (100 * plus) / tr;
    const minusDi = tr === 0 ? 0 : (100 * minus) / tr;
    const sum = plusDi + minusDi;
    const dx = sum === 0 ? 0 : (100 * Math.abs(plusDi - minusDi)) / sum;
    this.#value = { adx: this.#adx.update(dx), plusDi, minusDi };
    return this.#value;
  }

  get value(): AdxValue | undefined {
    return this.#value;
  }
}
