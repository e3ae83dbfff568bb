import { describe, expect, it } from "vitest";
import { fixed, livePnl, signOf, sumDecimals } from "./pnl";

describe("livePnl", () => {
  it("is (mark - entry) * qty for a long and the opposite for a short, exactly", () => {
    expect(livePnl({ side: "long", quantity: "0.01", entryPrice: "60000" }, "60123.45")).toBe("1.2345");
    expect(livePnl({ side: "short", quantity: "0.01", entryPrice: "60000" }, "60123.45")).toBe("-1.2345");
    // 0.1 + 0.2 style float traps do not exist here
    expect(livePnl({ side: "long", quantity: "3", entryPrice: "0.1" }, "0.3")).toBe("0.6");
  });
});

describe("decimal helpers", () => {
  it("sums exactly and tells the sign", () => {
    expect(sumDecimals(["0.1", "0.2", "-0.3"])).toBe("0");
    expect(signOf("-0.00000001")).toBe(-1);
    expect(signOf("0")).toBe(0);
  });

  it("rounds half-even to the places shown", () => {
    expect(fixed("1.005", 2)).toBe("1.00");
    expect(fixed("1.015", 2)).toBe("1.02");
    expect(fixed("-2.3456", 2)).toBe("-2.35");
    expect(fixed("10000", 2)).toBe("10000.00");
  });
});
