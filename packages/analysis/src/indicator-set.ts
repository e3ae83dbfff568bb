/**
 * Every indicator the engine uses, fed one closed candle at a time: a new candle costs O(1)
 * (each indicator keeps running state; nothing is recomputed over the window).
 *
 * @example
 * const set = new IndicatorSet();
 * for (const c of candles) set.update(c);
 * const snap = set.snapshot(); // { rsi14, macd, bollinger, sma, ema, atr14, ... }
 */
import type { Candle } from "./candle";
import { Adx, Atr, Bollinger, Ema, Macd, Obv, Rsi, Sma, Stochastic, Vwap, type AdxValue, type BollingerValue, type MacdValue, type StochasticValue } from "./indicators";

export const MA_PERIODS = [9, 21, 50, 200] as const;
export type MaPeriod = (typeof MA_PERIODS)[number];

export interface IndicatorSnapshot {
  readonly candles: number;
  readonly close: number;
  readonly rsi14: number | undefined;
  readonly macd: MacdValue | undefined;
  readonly bollinger: BollingerValue | undefined;
  readonly sma: Readonly<Record<MaPeriod, number | undefined>>;
  readonly ema: Readonly<Record<MaPeriod, number | undefined>>;
  readonly atr14: number | undefined;
  readonly stochastic: StochasticValue | undefined;
  readonly adx14: AdxValue | undefined;
  readonly obv: number | undefined;
  /** OBV 10 candles ago (for its slope), when known. */
  readonly obvPrev10: number | undefined;
  readonly vwap: number | undefined;
  readonly volumeAvg20: number | undefined;
  readonly lastVolume: number;
}

export class IndicatorSet {
  readonly #rsi = new Rsi(14);
  readonly #macd = new Macd(12, 26, 9);
  readonly #bollinger = new Bollinger(20, 2);
  readonly #sma = MA_PERIODS.map((p) => new Sma(p));
  readonly #ema = MA_PERIODS.map((p) => new Ema(p));
  readonly #atr = new Atr(14);
  readonly #stochastic = new Stochastic(14, 3, 3);
  readonly #adx = new Adx(14);
  readonly #obv = new Obv();
  readonly #obvHistory: number[] = [];
  readonly #vwap = new Vwap();
  readonly #volumeAvg = new Sma(20);
  #candles = 0;
  #close = Number.NaN;
  #lastVolume = 0;

  update(c: Candle): void {
    this.#candles++;
    this.#close = c.close;
    this.#lastVolume = c.volume;
    this.#rsi.update(c.close);
    this.#macd.update(c.close);
    this.#bollinger.update(c.close);
    for (const s of this.#sma) s.update(c.close);
    for (const e of this.#ema) e.update(c.close);
    this.#atr.update(c);
    this.#stochastic.update(c);
    this.#adx.update(c);
    const obv = this.#obv.update(c);
    this.#obvHistory.push(obv);
    if (this.#obvHistory.length > 11) this.#obvHistory.shift();
    this.#vwap.update(c);
    this.#volumeAvg.update(c.volume);
  }

  get candles(): number {
    return this.#candles;
  }

  snapshot(): IndicatorSnapshot {
    const byPeriod = (list: readonly (Sma | Ema)[]) =>
      Object.fromEntries(MA_PERIODS.map((p, i) => [p, list[i]!.value])) as Record<MaPeriod, number | undefined>;
    return {
      candles: this.#candles,
      close: this.#close,
      rsi14: this.#rsi.value,
      macd: this.#macd.value,
      bollinger: this.#bollinger.value,
      sma: byPeriod(this.#sma),
      ema: byPeriod(this.#ema),
      atr14: this.#atr.value,
      stochastic: this.#stochastic.value,
      adx14: this.#adx.value,
      obv: this.#obv.value,
      obvPrev10: this.#obvHistory.length === 11 ? this.#obvHistory[0] : undefined,
      vwap: this.#vwap.value,
      volumeAvg20: this.#volumeAvg.value,
      lastVolume: this.#lastVolume,
    };
  }
}
