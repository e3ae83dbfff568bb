/**
 * Money and quantities as fixed-point integers: every amount (USDT, base-asset quantity, price,
 * fee rate) is a bigint count of 10^-8 units (`Units`). Products are computed at full precision
 * and rounded ONCE, in an explicit direction, so the ledger records exactly what it moved.
 *
 * @example
 * const notional = mul(units("64000.5"), units("0.003"), "half-even"); // 192.0015 USDT
 * fmt(notional); // "192.0015"
 */
import { formatDecimal, parseDecimal } from "./decimal";

/** Decimal places of every amount: Binance's finest precision. */
export const SCALE = 8;
export const ONE = 10n ** BigInt(SCALE);

/** A fixed-point amount in 10^-8 units. */
export type Units = bigint;

export type Rounding = "down" | "up" | "half-even";

/** Parses a decimal string into units; throws on more than 8 decimal places. */
export function units(value: string): Units {
  return parseDecimal(value, SCALE);
}

/** Formats units as a decimal string without trailing zeros (at least `minFractionDigits`). */
export function fmt(value: Units, minFractionDigits = 0): string {
  return formatDecimal(value, SCALE, minFractionDigits);
}

/** a * b / c with one rounding step (towards zero for "down", away from zero for "up"). */
export function mulDiv(a: bigint, b: bigint, c: bigint, rounding: Rounding): bigint {
  if (c === 0n) throw new RangeError("division by zero");
  const n = a * b;
  const negative = n < 0n !== c < 0n;
  const an = n < 0n ? -n : n;
  const ac = c < 0n ? -c : c;
  let q = an / ac;
  const r = an % ac;
  if (r !== 0n) {
    if (rounding === "up") q += 1n;
    else if (rounding === "half-even") {
      const twice = r * 2n;
      if (twice > ac || (twice === ac && q % 2n === 1n)) q += 1n;
    }
  }
  return negative ? -q : q;
}

/** Product of two amounts (e.g. price x quantity), rounded once. */
export function mul(a: Units, b: Units, rounding: Rounding): Units {
  return mulDiv(a, b, ONE, rounding);
}

/** Quotient of two amounts (e.g. notional / price), rounded once. */
export function div(a: Units, b: Units, rounding: Rounding): Units {
  return mulDiv(a, ONE, b, rounding);
}

export const abs = (a: bigint): bigint => (a < 0n ? -a : a);
export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
export const sign = (a: bigint): -1n | 0n | 1n => (a > 0n ? 1n : a < 0n ? -1n : 0n);

/** True when `value` is a whole multiple of `step` (both in units). */
export function isMultipleOf(value: Units, step: Units): boolean {
  return step > 0n && value % step === 0n;
}
