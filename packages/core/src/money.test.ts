import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { div, fmt, isMultipleOf, mul, mulDiv, ONE, units } from "./money";

describe("money", () => {
  it("parses and formats exactly", () => {
    expect(units("64000.5")).toBe(6_400_050_000_000n);
    expect(fmt(units("0.1") + units("0.2"))).toBe("0.3");
    expect(fmt(units("-12.5"), 2)).toBe("-12.50");
  });

  it("multiplies price by quantity with one rounding step", () => {
    expect(fmt(mul(units("64000.5"), units("0.003"), "half-even"))).toBe("192.0015");
    expect(fmt(mul(units("0.00000001"), units("0.5"), "down"))).toBe("0");
    expect(fmt(mul(units("0.00000001"), units("0.5"), "up"))).toBe("0.00000001");
    expect(fmt(mul(units("0.00000003"), units("0.5"), "half-even"))).toBe("0.00000002"); // 1.5 -> 2
    expect(fmt(mul(units("0.00000005"), units("0.5"), "half-even"))).toBe("0.00000002"); // 2.5 -> 2
  });

  it("rounds negative values symmetrically", () => {
    expect(mulDiv(-7n, 1n, 2n, "down")).toBe(-3n);
    expect(mulDiv(-7n, 1n, 2n, "up")).toBe(-4n);
    expect(mulDiv(-5n, 1n, 2n, "half-even")).toBe(-2n);
    expect(() => mulDiv(1n, 1n, 0n, "down")).toThrow(RangeError);
  });

  it("divides notional by price", () => {
    expect(fmt(div(units("100"), units("64000"), "down"))).toBe("0.0015625");
    expect(fmt(div(units("100"), units("3"), "down"))).toBe("33.33333333");
    expect(fmt(div(units("100"), units("3"), "up"))).toBe("33.33333334");
  });

  it("checks step multiples", () => {
    expect(isMultipleOf(units("0.003"), units("0.001"))).toBe(true);
    expect(isMultipleOf(units("0.0035"), units("0.001"))).toBe(false);
  });

  it("bounds every rounding within one unit of the exact value (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 16n }), (a, b) => {
        const down = mul(a, b, "down");
        const up = mul(a, b, "up");
        const even = mul(a, b, "half-even");
        const exact = a * b; // scaled by ONE
        expect(down * ONE <= exact || exact < 0n).toBe(true);
        expect(up - down === 0n || up - down === (exact < 0n ? -1n : 1n)).toBe(true);
        expect(even === up || even === down).toBe(true);
      }),
    );
  });
});
