/**
 * The tradable USDT pairs and their exchange rules (a subset of Binance's exchangeInfo filters).
 * Prices are quoted in USDT. `tickSize` is the PRICE_FILTER step, `stepSize` the LOT_SIZE step.
 */
import { z } from "zod";
import { decimalPlaces } from "./decimal";

export interface SymbolRules {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: "USDT";
  readonly tickSize: string;
  readonly stepSize: string;
  readonly minQty: string;
  readonly maxQty: string;
  readonly minNotional: string;
}

function usdt(base: string, tickSize: string, stepSize: string, minQty: string, maxQty: string): SymbolRules {
  return { symbol: `${base}USDT`, baseAsset: base, quoteAsset: "USDT", tickSize, stepSize, minQty, maxQty, minNotional: "5" };
}

/** Supported symbols, in display order. */
export const SYMBOL_RULES: readonly SymbolRules[] = [
  usdt("BTC", "0.01", "0.00001", "0.00001", "9000"),
  usdt("ETH", "0.01", "0.0001", "0.0001", "9000"),
  usdt("BNB", "0.01", "0.001", "0.001", "9000"),
  usdt("SOL", "0.01", "0.001", "0.001", "90000"),
  usdt("XRP", "0.0001", "0.1", "0.1", "9000000"),
  usdt("ADA", "0.0001", "0.1", "0.1", "9000000"),
  usdt("DOGE", "0.00001", "1", "1", "9000000"),
  usdt("AVAX", "0.01", "0.01", "0.01", "900000"),
  usdt("DOT", "0.001", "0.01", "0.01", "900000"),
  usdt("LINK", "0.01", "0.01", "0.01", "900000"),
  usdt("LTC", "0.01", "0.001", "0.001", "90000"),
  usdt("TRX", "0.0001", "0.1", "0.1", "9000000"),
  usdt("MATIC", "0.0001", "0.1", "0.1", "9000000"),
  usdt("ATOM", "0.001", "0.01", "0.01", "900000"),
  usdt("UNI", "0.001", "0.01", "0.01", "900000"),
  usdt("NEAR", "0.001", "0.1", "0.1", "900000"),
  usdt("APT", "0.001", "0.01", "0.01", "900000"),
  usdt("ARB", "0.0001", "0.1", "0.1", "9000000"),
  usdt("OP", "0.0001", "0.01", "0.01", "900000"),
  usdt("FIL", "0.001", "0.01", "0.01", "900000"),
];

const BY_SYMBOL = new Map(SYMBOL_RULES.map((r) => [r.symbol, r]));

export const SYMBOL_NAMES: readonly string[] = SYMBOL_RULES.map((r) => r.symbol);

/** Case-insensitive on input, normalized to Binance's upper-case form. */
export const SymbolName = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{5,20}$/, "must look like BTCUSDT");

export function isKnownSymbol(symbol: string): boolean {
  return BY_SYMBOL.has(symbol);
}

export function symbolRules(symbol: string): SymbolRules | undefined {
  return BY_SYMBOL.get(symbol);
}

/** Decimal places of the symbol's price (from its tick size). */
export function pricePrecision(rules: SymbolRules): number {
  return decimalPlaces(rules.tickSize);
}

/** Decimal places of the symbol's quantity (from its step size). */
export function quantityPrecision(rules: SymbolRules): number {
  return decimalPlaces(rules.stepSize);
}
