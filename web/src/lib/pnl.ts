/**
 * Live profit and loss of a position at a live price, in exact fixed-point (1e-8 units),
 * never floats: long = (mark - entry) * qty, short = (entry - mark) * qty.
 */
import { fmt, mul, units } from "@bot-core/core";

export interface PositionLike {
  side: "long" | "short";
  quantity: string;
  entryPrice: string;
}

/** Unrealized PnL in USDT as a decimal string (rounded half-even to 1e-8). */
export function livePnl(position: PositionLike, mark: string): string {
  const diff = units(mark) - units(position.entryPrice);
  const signed = position.side === "long" ? diff : -diff;
  return fmt(mul(signed, units(position.quantity), "half-even"));
}

/** Sum of decimal strings, exact. */
export function sumDecimals(values: readonly string[]): string {
  return fmt(values.reduce((acc, v) => acc + units(v), 0n));
}

/** Sign of a decimal string: -1, 0 or 1. */
export function signOf(value: string): -1 | 0 | 1 {
  const u = units(value);
  return u > 0n ? 1 : u < 0n ? -1 : 0;
}

/** Rounds a decimal string to `places` (half-even) for display, keeping exactly `places` digits. */
export function fixed(value: string, places = 2): string {
  const u = units(value);
  const step = 10n ** BigInt(8 - places);
  const q = u / step;
  const r = u % step;
  const half = step / 2n;
  const absR = r < 0n ? -r : r;
  let rounded = q;
  if (absR > half || (absR === half && q % 2n !== 0n)) rounded += u < 0n ? -1n : 1n;
  return fmt(rounded * step, places);
}
