import { describe, expect, it } from "vitest";
import { formatCompact, formatFactor, formatNumber, formatRate } from "./format";

describe("formatNumber", () => {
  it.each<[number, string]>([
    [0, "0"],
    [0.312, "0.31"],
    [0.0312, "0.031"],
    [4.2, "4.20"],
    [12.54, "12.5"],
    [340.4, "340"],
    [21300.2, "21,300"],
    [Number.POSITIVE_INFINITY, "∞"],
    [Number.NaN, "n/a"],
    [-1, "n/a"],
  ])("%d → %s", (v, s) => expect(formatNumber(v)).toBe(s));
});

describe("formatRate", () => {
  it.each<[number, string]>([
    [0, "0"],
    [12.54, "12.5"],
    [12, "12"],
    [2100.5, "2,101"],
    [1234567, "1,234,567"],
    [Number.NaN, "n/a"],
  ])("%d → %s", (v, s) => expect(formatRate(v)).toBe(s));
});

describe("formatCompact", () => {
  it.each<[number, string]>([
    [0, "0"],
    [0.5, "0.5"],
    [0.01, "0.01"],
    [12, "12"],
    [950, "950"],
    [1000, "1k"],
    [1250, "1.3k"],
    [21000, "21k"],
    [3_400_000, "3.4M"],
  ])("%d → %s", (v, s) => expect(formatCompact(v)).toBe(s));
});

describe("formatFactor", () => {
  it("prints a multiplier, infinity or a dash", () => {
    expect(formatFactor(2.5)).toBe("2.50×");
    expect(formatFactor(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(formatFactor(undefined)).toBe("—");
    expect(formatFactor(Number.NaN)).toBe("n/a");
  });
});
