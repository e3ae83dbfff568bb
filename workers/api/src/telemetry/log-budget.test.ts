import { describe, expect, it } from "vitest";
import { LogBudget } from "./log-budget";

describe("LogBudget", () => {
  it("lets perWindow lines through per window and drops the rest", () => {
    const budget = new LogBudget(3, 1000);
    const taken = Array.from({ length: 10 }, (_, i) => budget.take(i));
    expect(taken).toEqual([0, 0, 0, null, null, null, null, null, null, null]);
  });

  it("reports how many lines were dropped on the next line it lets through", () => {
    const budget = new LogBudget(2, 1000);
    for (let i = 0; i < 7; i++) budget.take(100);
    // 2 through, 5 dropped in the first window.
    expect(budget.take(1100)).toBe(5);
    expect(budget.take(1101)).toBe(0);
    expect(budget.take(1102)).toBeNull();
    expect(budget.take(2100)).toBe(1);
  });

  it("opens a new window only after windowMs", () => {
    const budget = new LogBudget(1, 1000);
    expect(budget.take(0)).toBe(0);
    expect(budget.take(999)).toBeNull();
    expect(budget.take(1000)).toBe(1);
  });

  it("refuses a budget that would drop everything", () => {
    expect(() => new LogBudget(0, 1000)).toThrow(RangeError);
    expect(() => new LogBudget(1, 0)).toThrow(RangeError);
  });
});
