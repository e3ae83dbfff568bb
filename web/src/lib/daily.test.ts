import { describe, expect, it } from "vitest";
import { trade } from "../test/fixtures";
import { dailyResult, equityCurve, utcDayStart } from "./daily";

describe("dailyResult", () => {
  it("nets realized PnL and fees, and measures the loss against the limit of the day's starting wallet", () => {
    // wallet now 9900 after a net -100 day: it started at 10000, 5% limit = 500
    const trades = [trade(1, { realizedPnl: "-99", fee: "1" })];
    const r = dailyResult(trades, "9900", "5");
    expect(r.net).toBe("-100");
    expect(r.limit).toBe("500");
    expect(r.usedPct).toBe(20);
    expect(r.breached).toBe(false);
  });

  it("reports a breach at the limit and 0% used on a winning day", () => {
    expect(dailyResult([trade(1, { realizedPnl: "-500", fee: "0" })], "9500", "5").breached).toBe(true);
    expect(dailyResult([trade(1, { realizedPnl: "50", fee: "1" })], "10049", "5").usedPct).toBe(0);
  });

  it("starts the day at 00:00 UTC", () => {
    expect(utcDayStart(Date.UTC(2026, 10, 20, 23, 59))).toBe(Date.UTC(2026, 10, 20));
  });
});

describe("equityCurve", () => {
  it("walks back from today's wallet through each trade's net result", () => {
    const newestFirst = [trade(2, { realizedPnl: "10", fee: "1" }), trade(1, { realizedPnl: "-5", fee: "1" })];
    const curve = equityCurve(newestFirst, "1003");
    expect(curve.map((p) => p.wallet)).toEqual(["1000", "994", "1003"]);
  });
});
