import { describe, expect, it } from "vitest";
import { decimalPlaces, formatDecimal, parseDecimal } from "./decimal";
import { DecimalString, PositiveDecimalString } from "./decimal-schema";

describe("parseDecimal / formatDecimal", () => {
  it("round-trips exactly where binary floating point does not", () => {
    const a = parseDecimal("0.1", 8);
    const b = parseDecimal("0.2", 8);
    expect(formatDecimal(a + b, 8)).toBe("0.3");
    expect(0.1 + 0.2).not.toBe(0.3); // the reason this module exists
  });

  it("scales whole and fractional parts", () => {
    expect(parseDecimal("64123.45", 8)).toBe(6_412_345_000_000n);
    expect(parseDecimal("-1.5", 2)).toBe(-150n);
    expect(parseDecimal("0", 4)).toBe(0n);
    expect(parseDecimal("1.2300", 2)).toBe(123n); // trailing zeros beyond the scale are fine
  });

  it("refuses more precision than the scale instead of rounding silently", () => {
    expect(() => parseDecimal("0.123", 2)).toThrow(/more than 2 decimal places/);
  });

  it("refuses anything that is not a plain decimal", () => {
    for (const bad of ["", "1e5", "NaN", "Infinity", "0x10", "1.", ".5", "01", "1,5", " 1", "--1"]) {
      expect(() => parseDecimal(bad, 8), bad).toThrow();
    }
  });

  it("formats with a minimum number of fraction digits", () => {
    expect(formatDecimal(6_400_000n, 2, 2)).toBe("64000.00");
    expect(formatDecimal(6_400_010n, 2)).toBe("64000.1");
    expect(formatDecimal(-5n, 3)).toBe("-0.005");
    expect(formatDecimal(0n, 3, 1)).toBe("0.0");
    expect(formatDecimal(-0n, 3)).toBe("0");
  });

  it("counts decimal places of a step", () => {
    expect(decimalPlaces("0.01")).toBe(2);
    expect(decimalPlaces("1")).toBe(0);
    expect(decimalPlaces("0.00001000")).toBe(5);
  });
});

describe("DecimalString schemas", () => {
  it("accept decimal strings and reject numbers, exponents and zero where positive is required", () => {
    expect(DecimalString.safeParse("12.5").success).toBe(true);
    expect(DecimalString.safeParse(12.5).success).toBe(false);
    expect(DecimalString.safeParse("1e3").success).toBe(false);
    expect(PositiveDecimalString.safeParse("0.0001").success).toBe(true);
    expect(PositiveDecimalString.safeParse("0.000").success).toBe(false);
    expect(PositiveDecimalString.safeParse("-1").success).toBe(false);
  });
});
