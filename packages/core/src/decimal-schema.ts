/** zod schemas for decimal strings (see decimal.ts for the arithmetic). */
import { z } from "zod";
import { DECIMAL_RE } from "./decimal";

/** A decimal number written as a string: optional sign, no exponent, at most 18 fraction digits. */
export const DecimalString = z
  .string()
  .regex(DECIMAL_RE, "must be a decimal number written as a string, e.g. \"64123.45\"");
export type DecimalString = z.infer<typeof DecimalString>;

/** A strictly positive decimal string. */
export const PositiveDecimalString = DecimalString.refine(
  (s) => !s.startsWith("-") && /[1-9]/.test(s),
  "must be greater than zero",
);

/** A positive amount representable in 1e-8 units (money.ts): at most 8 decimal places. */
export const PositiveUnitsString = PositiveDecimalString.refine(
  (s) => (s.split(".")[1] ?? "").replace(/0+$/, "").length <= 8,
  "at most 8 decimal places",
);
