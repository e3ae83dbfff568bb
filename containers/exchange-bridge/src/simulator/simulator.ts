/**
 * The deterministic market simulator: the same seed and the same sequence of `advance` calls
 * produce the same updates, byte for byte. It reads no clock and starts no timer; the caller
 * passes simulated time in (see `SimulatorSource` for the real-time driver).
 *
 * Each ticker update is one simulated trade: the last price is the trade's price, which is the
 * best ask (a buy) or the best bid (a sell); the book is at least one tick wide and sizes are
 * whole lot steps. Candles are built from the same trades, so they agree with the tickers.
 *
 * @example
 * const sim = new MarketSimulator({ seed: 42, startTime: Date.UTC(2024, 4, 1) });
 * const updates = sim.advance(Date.UTC(2024, 4, 1) + 1_000, 40); // 40 tickers in the first second
 */
import { SYMBOL_NAMES, symbolRules, type KlineInterval, type KlineUpdate, type MarketData, type TickerUpdate } from "@bot-core/core";
import { instrumentFor, type Instrument, type SymbolProfile } from "./instruments";
import { INTERVAL_MS, KlineBuilder, type KlineSnapshot } from "./kline";
import { DEFAULT_PROCESS_PARAMS, PriceProcess, type PriceProcessParams } from "./price-process";
import { Random } from "./random";

export interface SimTrade {
  readonly symbol: string;
  readonly time: number;
  readonly priceTicks: number;
  readonly qtySteps: number;
  readonly side: "buy" | "sell";
}

export interface SimulatorOptions {
  /** Unsigned 32-bit seed. */
  readonly seed: number;
  /** Simulated epoch ms at which the simulation starts. */
  readonly startTime: number;
  /** Symbols to simulate (default: every symbol in SYMBOL_RULES). */
  readonly symbols?: readonly string[];
  /** Candle intervals to build (default ["1m"]). */
  readonly klineIntervals?: readonly KlineInterval[];
  /** An open candle is published at most this often per symbol, and on its first trade (default 1000). */
  readonly klineUpdateMs?: number;
  /** Overrides of the price process (volatility clustering, jumps); annualVol comes from the profile. */
  readonly process?: Partial<Omit<PriceProcessParams, "annualVol">>;
  /** Overrides of the per-symbol profiles (tests, scenarios). */
  readonly profiles?: Readonly<Record<string, SymbolProfile>>;
  /** Observes every simulated trade (the ticker carries no trade size). */
  readonly onTrade?: (trade: SimTrade) => void;
}

interface CandleState {
  readonly interval: KlineInterval;
  readonly builder: KlineBuilder;
  lastPublished: number;
}

interface SymbolState {
  readonly instrument: Instrument;
  readonly process: PriceProcess;
  readonly rng: Random;
  readonly candles: CandleState[];
  lastTime: number;
}

/** Widest simulated spread, in ticks. */
const MAX_SPREAD_TICKS = 20;
/** Mean extra spread (beyond one tick) at normal volatility, in ticks. */
const MEAN_EXTRA_SPREAD = 0.5;
/** Log-normal dispersion of trade and book sizes. */
const TRADE_SIZE_SIGMA = 0.9;
const BOOK_SIZE_SIGMA = 0.6;

export class MarketSimulator {
  readonly symbols: readonly string[];
  readonly #states: SymbolState[];
  readonly #cumulativeActivity: number[];
  readonly #scheduler: Random;
  readonly #klineUpdateMs: number;
  readonly #onTrade: ((trade: SimTrade) => void) | undefined;
  #now: number;
  #nextBoundary: number;

  constructor(options: SimulatorOptions) {
    const symbols = options.symbols ?? SYMBOL_NAMES;
    if (symbols.length === 0) throw new Error("the simulator needs at least one symbol");
    if (new Set(symbols).size !== symbols.length) throw new Error("duplicate symbols");
    if (!Number.isSafeInteger(options.startTime) || options.startTime < 0) throw new RangeError("startTime must be epoch ms");
    const intervals = [...new Set(options.klineIntervals ?? (["1m"] as const))];
    const processParams = { ...DEFAULT_PROCESS_PARAMS, ...options.process };

    const root = Random.fromSeed(options.seed);
    this.#scheduler = root.split();
    this.symbols = Object.freeze([...symbols]);
    this.#states = symbols.map((symbol) => {
      const rules = symbolRules(symbol);
      if (!rules) throw new Error(`unknown symbol ${symbol}`);
      const instrument = instrumentFor(rules, options.profiles?.[symbol]);
      const rng = root.split();
      return {
        instrument,
        rng,
        process: new PriceProcess(instrument.startTicks, { ...processParams, annualVol: instrument.profile.annualVol }, rng),
        candles: intervals.map((interval) => ({
          interval,
          builder: new KlineBuilder(INTERVAL_MS[interval], options.startTime, instrument.startTicks),
          lastPublished: -Infinity,
        })),
        lastTime: options.startTime,
      };
    });
    let total = 0;
    this.#cumulativeActivity = this.#states.map((s) => (total += s.instrument.profile.activity));
    this.#klineUpdateMs = options.klineUpdateMs ?? 1_000;
    this.#onTrade = options.onTrade;
    this.#now = options.startTime;
    this.#nextBoundary = this.#computeNextBoundary();
  }

  /** Simulated time of the last `advance`. */
  get now(): number {
    return this.#now;
  }

  /**
   * Moves simulated time to `now` (a `now` in the past is treated as no time passing) and
   * produces `tickerCount` ticker updates spread evenly over the elapsed time, plus the candle
   * updates they cause and every candle that closed on the way — in time order.
   */
  advance(now: number, tickerCount: number): MarketData[] {
    if (!Number.isSafeInteger(tickerCount) || tickerCount < 0) throw new RangeError("tickerCount must be a whole number >= 0");
    if (!Number.isFinite(now)) throw new RangeError("now must be epoch ms");
    const from = this.#now;
    const to = Math.max(from, Math.floor(now));
    const span = to - from;
    const out: MarketData[] = [];
    for (let i = 1; i <= tickerCount; i++) {
      const time = from + Math.floor((i * span) / tickerCount);
      if (time >= this.#nextBoundary) this.#closeCandles(time, out);
      this.#trade(this.#states[this.#pickSymbol()]!, time, out);
    }
    if (to >= this.#nextBoundary) this.#closeCandles(to, out);
    this.#now = to;
    return out;
  }

  #pickSymbol(): number {
    const cumulative = this.#cumulativeActivity;
    const x = this.#scheduler.uniform() * cumulative[cumulative.length - 1]!;
    let i = 0;
    while (i < cumulative.length - 1 && x >= cumulative[i]!) i++;
    return i;
  }

  #trade(state: SymbolState, time: number, out: MarketData[]): void {
    const { instrument, process, rng } = state;
    process.advance(time - state.lastTime);
    state.lastTime = time;

    // The book: the fair value lies inside [bid, ask]; wilder markets quote wider.
    const bid = process.floorTicks;
    const extra = Math.floor(rng.exponential() * MEAN_EXTRA_SPREAD * process.volRatio);
    const ask = bid + 1 + Math.min(MAX_SPREAD_TICKS - 1, extra);
    const side = rng.uniform() < 0.5 ? "buy" : "sell";
    const priceTicks = side === "buy" ? ask : bid;
    const { tradeNotional, bookNotional } = instrument.profile;
    const qtySteps = instrument.stepsForNotional(tradeNotional * Math.exp(TRADE_SIZE_SIGMA * rng.normal()), priceTicks);
    const bidSteps = instrument.stepsForNotional(bookNotional * Math.exp(BOOK_SIZE_SIGMA * rng.normal()), bid);
    const askSteps = instrument.stepsForNotional(bookNotional * Math.exp(BOOK_SIZE_SIGMA * rng.normal()), ask);

    const ticker: TickerUpdate = {
      kind: "ticker",
      symbol: instrument.symbol,
      price: instrument.formatPrice(priceTicks),
      bid: instrument.formatPrice(bid),
      ask: instrument.formatPrice(ask),
      bidQty: instrument.formatQty(bidSteps),
      askQty: instrument.formatQty(askSteps),
      eventTime: time,
      bridgeTime: time,
    };
    out.push(ticker);

    for (const candle of state.candles) {
      candle.builder.add(time, priceTicks, qtySteps);
      if (candle.builder.trades === 1 || time - candle.lastPublished >= this.#klineUpdateMs) {
        out.push(toKlineUpdate(instrument, candle.interval, candle.builder.snapshot(), false, time));
        candle.lastPublished = time;
      }
    }
    this.#onTrade?.({ symbol: instrument.symbol, time, priceTicks, qtySteps, side });
  }

  /** Publishes every candle that ended at or before `time`: by boundary, then in symbol order. */
  #closeCandles(time: number, out: MarketData[]): void {
    const closed: KlineUpdate[] = [];
    for (const state of this.#states) {
      for (const candle of state.candles) {
        for (const k of candle.builder.rollTo(time)) {
          closed.push(toKlineUpdate(state.instrument, candle.interval, k, true, k.closeTime + 1));
        }
      }
    }
    // Array.prototype.sort is stable: symbol order is kept within one boundary.
    if (closed.length > this.#states.length) closed.sort((a, b) => a.eventTime - b.eventTime);
    for (const k of closed) out.push(k);
    this.#nextBoundary = this.#computeNextBoundary();
  }

  #computeNextBoundary(): number {
    let next = Infinity;
    for (const state of this.#states) for (const c of state.candles) next = Math.min(next, c.builder.endTime);
    return next;
  }
}

function toKlineUpdate(
  instrument: Instrument,
  interval: KlineInterval,
  k: KlineSnapshot,
  closed: boolean,
  eventTime: number,
): KlineUpdate {
  return {
    kind: "kline",
    symbol: instrument.symbol,
    interval,
    openTime: k.openTime,
    closeTime: k.closeTime,
    open: instrument.formatPrice(k.open),
    high: instrument.formatPrice(k.high),
    low: instrument.formatPrice(k.low),
    close: instrument.formatPrice(k.close),
    volume: instrument.formatQty(k.volume),
    closed,
    eventTime,
    bridgeTime: eventTime,
  };
}
