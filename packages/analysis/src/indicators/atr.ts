/**
 * True range and Wilder's Average True Range. The first candle's true range is high - low (no
 * previous close).
 *
 * @example
 * const atr = new Atr(14);
 * for (const c of candles) atr.update(c); // first value after 14 candles
 */
import type { Candle } from "../candle";
import { WilderAverage } from "./moving-average";

export function trueRange(c: Pick<Candle, "high" | "low">, previousClose: number | undefined): number {
  if (previousClose === undefined) return c.high - c.low;
  return Math.max(c.high - c.low, Math.abs(c.high - previousClose), Math.abs(c.low - previousClose));
}

export class Atr {
  readonly #avg: WilderAverage;
  #previousClose: number | undefined;

  constructor(readonly period = 14) {
    this.#avg = new WilderAverage(period);
  }

  update(c: Pick<Candle, "high" | "low" | "close">): number | undefined {
    const tr = trueRange(c, this.#previousClose);
    this.#previousClose = c.close;
    return this.#avg.update(tr);
  }

  get value(): number | undefined {
    return this.#avg.value;
  }
}
