/**
 * Exact fixed-point decimals for prices, quantities and money.
 *
 * Values travel as decimal strings ("64123.45") and are computed as scaled
 * bigints, never as binary floating point. No dependencies: safe to import in the browser
 * as `@bot-core/core/decimal` (the zod schemas live in decimal-schema.ts).
 *
 * @example
 * const units = parseDecimal("64123.45", 8); // 6412345000000n
 * formatDecimal(units, 8, 2);               // "64123.45"
 */
export const DECIMAL_RE = /^-?(0|[1-9]\d{0,29})(\.\d{1,18})?$/;

export class DecimalError extends Error {
  override readonly name = "DecimalError";
}

/** Parses a decimal string into an integer count of 10^-scale units. Throws on excess precision. */
export function parseDecimal(value: string, scale: number): bigint {
  if (!DECIMAL_RE.test(value)) throw new DecimalError(`not a decimal: ${JSON.stringify(value)}`);
  const negative = value.startsWith("-");
  const body = negative ? value.slice(1) : value;
  const [whole, fraction = ""] = body.split(".") as [string, string?];
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > scale) {
    throw new DecimalError(`${value} has more than ${scale} decimal places`);
  }
  const units = BigInt(whole + fraction.padEnd(scale, "0").slice(0, scale));
  return negative ? -units : units;
}

/**
 * Formats an integer count of 10^-scale units as a decimal string.
 * `minFractionDigits` keeps trailing zeros up to that many places (prices keep their tick precision).
 */
export function formatDecimal(units: bigint, scale: number, minFractionDigits = 0): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  let fraction = scale > 0 ? digits.slice(digits.length - scale) : "";
  let end = fraction.length;
  while (end > minFractionDigits && fraction[end - 1] === "0") end--;
  fraction = fraction.slice(0, end);
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && units !== 0n ? `-${text}` : text;
}

/** Number of decimal places in a step such as "0.01" (2) or "1" (0). */
export function decimalPlaces(step: string): number {
  const fraction = step.split(".")[1] ?? "";
  return fraction.replace(/0+$/, "").length;
}
