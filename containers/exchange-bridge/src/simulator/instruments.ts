/**
 * Per-symbol simulation profiles and exact price/quantity arithmetic.
 *
 * Prices are held as integer counts of the symbol's tick, quantities as integer counts of its
 * step (both as JS numbers, which are exact for integers up to 2^53). Decimal strings are only
 * produced at the edge of the simulator, with bigint fixed point from @bot-core/core.
 *
 * @example
 * const btc = instrumentFor(symbolRules("BTCUSDT")!);
 * btc.startTicks;          // 6400000 (64000.00 / 0.01)
 * btc.formatPrice(6400001) // "64000.01"
 */
import { formatDecimal, parseDecimal, pricePrecision, quantityPrecision, type SymbolRules } from "@bot-core/core";

/** How a symbol behaves in the simulator. Volatilities are annualized (365-day year). */
export interface SymbolProfile {
  /** Realistic starting price, a multiple of the tick size. */
  readonly startPrice: string;
  /** Long-run annualized volatility of log returns, e.g. 0.55 for 55 %. */
  readonly annualVol: number;
  /** Relative share of the update stream (BTC trades more often than FIL). */
  readonly activity: number;
  /** Median notional (USDT) of one simulated trade. */
  readonly tradeNotional: number;
  /** Median notional (USDT) resting at the best bid or ask. */
  readonly bookNotional: number;
}

/** Starting points close to the spring-2024 market. */
export const SYMBOL_PROFILES: Readonly<Record<string, SymbolProfile>> = {
  BTCUSDT: { startPrice: "64000.00", annualVol: 0.55, activity: 6, tradeNotional: 5_000, bookNotional: 150_000 },
  ETHUSDT: { startPrice: "3400.00", annualVol: 0.65, activity: 4, tradeNotional: 3_000, bookNotional: 80_000 },
  BNBUSDT: { startPrice: "580.00", annualVol: 0.6, activity: 2, tradeNotional: 1_500, bookNotional: 30_000 },
  SOLUSDT: { startPrice: "150.00", annualVol: 0.9, activity: 3, tradeNotional: 2_000, bookNotional: 40_000 },
  XRPUSDT: { startPrice: "0.5200", annualVol: 0.8, activity: 2, tradeNotional: 1_000, bookNotional: 30_000 },
  ADAUSDT: { startPrice: "0.4500", annualVol: 0.8, activity: 1, tradeNotional: 800, bookNotional: 20_000 },
  DOGEUSDT: { startPrice: "0.15000", annualVol: 1.0, activity: 2, tradeNotional: 1_000, bookNotional: 25_000 },
  AVAXUSDT: { startPrice: "35.00", annualVol: 0.9, activity: 1, tradeNotional: 800, bookNotional: 15_000 },
  DOTUSDT: { startPrice: "7.000", annualVol: 0.8, activity: 1, tradeNotional: 600, bookNotional: 12_000 },
  LINKUSDT: { startPrice: "14.00", annualVol: 0.85, activity: 1, tradeNotional: 700, bookNotional: 15_000 },
  LTCUSDT: { startPrice: "80.00", annualVol: 0.7, activity: 1, tradeNotional: 700, bookNotional: 15_000 },
  TRXUSDT: { startPrice: "0.1200", annualVol: 0.55, activity: 1, tradeNotional: 500, bookNotional: 15_000 },
  MATICUSDT: { startPrice: "0.7000", annualVol: 0.9, activity: 1, tradeNotional: 600, bookNotional: 12_000 },
  ATOMUSDT: { startPrice: "8.000", annualVol: 0.85, activity: 1, tradeNotional: 500, bookNotional: 10_000 },
  UNIUSDT: { startPrice: "9.000", annualVol: 0.9, activity: 1, tradeNotional: 500, bookNotional: 10_000 },
  NEARUSDT: { startPrice: "6.000", annualVol: 1.0, activity: 1, tradeNotional: 500, bookNotional: 10_000 },
  APTUSDT: { startPrice: "9.000", annualVol: 1.0, activity: 1, tradeNotional: 500, bookNotional: 10_000 },
  ARBUSDT: { startPrice: "1.0000", annualVol: 1.0, activity: 1, tradeNotional: 500, bookNotional: 10_000 },
  OPUSDT: { startPrice: "2.0000", annualVol: 1.0, activity: 1, tradeNotional: 500, bookNotional: 10_000 },
  FILUSDT: { startPrice: "5.000", annualVol: 0.9, activity: 1, tradeNotional: 400, bookNotional: 8_000 },
};

/** Tick and step arithmetic of one symbol, plus its profile. */
export interface Instrument {
  readonly symbol: string;
  readonly rules: SymbolRules;
  readonly profile: SymbolProfile;
  /** The start price in ticks. */
  readonly startTicks: number;
  /** Tick size as a float: only for scaling random sizes, never for a price. */
  readonly tickValue: number;
  readonly minQtySteps: number;
  readonly maxQtySteps: number;
  /** A whole number of ticks as a decimal string with the tick's precision ("64000.10"). */
  formatPrice(ticks: number): string;
  /** A whole number of steps as a decimal string with the step's precision ("0.01000"). */
  formatQty(steps: number | bigint): string;
  /** Approximate quantity steps worth `notional` USDT at `ticks`, clamped to the lot limits. */
  stepsForNotional(notional: number, ticks: number): number;
}

/** Throws if there is no profile for the symbol or its rules are inconsistent. */
export function instrumentFor(rules: SymbolRules, profile = SYMBOL_PROFILES[rules.symbol]): Instrument {
  if (!profile) throw new Error(`no simulator profile for ${rules.symbol}; add one to SYMBOL_PROFILES`);
  const priceScale = pricePrecision(rules);
  const qtyScale = quantityPrecision(rules);
  const tickUnits = parseDecimal(rules.tickSize, priceScale);
  const stepUnits = parseDecimal(rules.stepSize, qtyScale);
  if (tickUnits <= 0n || stepUnits <= 0n) throw new Error(`${rules.symbol}: tick and step sizes must be positive`);

  const startTicks = wholeMultiple(parseDecimal(profile.startPrice, priceScale), tickUnits, `${rules.symbol} startPrice`);
  const minQtySteps = wholeMultiple(parseDecimal(rules.minQty, qtyScale), stepUnits, `${rules.symbol} minQty`);
  const maxQtySteps = wholeMultiple(parseDecimal(rules.maxQty, qtyScale), stepUnits, `${rules.symbol} maxQty`);
  const tickValue = Number(rules.tickSize);
  const stepValue = Number(rules.stepSize);

  return {
    symbol: rules.symbol,
    rules,
    profile,
    startTicks,
    tickValue,
    minQtySteps: Math.max(1, minQtySteps),
    maxQtySteps,
    formatPrice: (ticks) => formatDecimal(BigInt(ticks) * tickUnits, priceScale, priceScale),
    formatQty: (steps) => formatDecimal(BigInt(steps) * stepUnits, qtyScale, qtyScale),
    stepsForNotional(notional, ticks) {
      const steps = Math.round(notional / (ticks * tickValue) / stepValue);
      return Math.min(maxQtySteps, Math.max(minQtySteps, 1, steps));
    },
  };
}

function wholeMultiple(units: bigint, of: bigint, what: string): number {
  if (units % of !== 0n) throw new Error(`${what} is not a whole multiple of its increment`);
  const n = units / of;
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what} is too large`);
  return Number(n);
}
