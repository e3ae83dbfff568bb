import { describe, expect, it } from "vitest";
import { units } from "./money";
import { assessRisk, DEFAULT_RISK_SETTINGS, orderRuleChecks, RiskSettingsUpdate, utcDayStart, type RiskInputs } from "./risk";

const base: RiskInputs = {
  side: "buy",
  entry: units("64000"),
  stepSize: units("0.00001"),
  settings: DEFAULT_RISK_SETTINGS,
  equity: units("10000"),
  freeMargin: units("10000"),
  openRisk: 0n,
  openPositions: 0,
  opensNewPosition: true,
  realizedLossToday: 0n,
  dailyLossBase: units("10000"),
  feeRate: units("0.001"),
};

describe("assessRisk", () => {
  it("sizes a position so the loss at the stop is 1% of equity", () => {
    const r = assessRisk({ ...base, stopLoss: units("63000"), takeProfit: units("66000") });
    // 100 USDT budget / 1,000 USDT stop distance = 0.1 BTC
    expect(r.suggestedQuantity).toBe("0.1");
    expect(r.quantity).toBe("0.1");
    expect(r.riskReward).toBe("2.00");
    expect(r.positionRisk).toBe("106.4"); // 100 at the stop + 6.4 fee
    // 6,400 USDT notional fits the margin; the fee on top of the 1% budget is allowed.
    expect(r.allowed).toBe(true);
  });

  it("fails every check it should, naming the numbers", () => {
    const r = assessRisk({
      ...base,
      quantity: units("1"),
      stopLoss: units("64500"),
      takeProfit: units("64100"),
      confidence: 0.5,
      openPositions: 10,
      realizedLossToday: units("600"),
      settings: { ...DEFAULT_RISK_SETTINGS, tradingEnabled: false },
    });
    expect(r.failedChecks.map((c) => c.rule).sort()).toEqual(
      ["DAILY_LOSS_LIMIT", "FREE_MARGIN", "MAX_OPEN_POSITIONS", "MIN_CONFIDENCE", "MIN_RISK_REWARD", "POSITION_SIZE", "STOP_SIDE", "TRADING_ENABLED"].sort(),
    );
    expect(r.failedChecks.find((c) => c.rule === "DAILY_LOSS_LIMIT")?.message).toBe("lost 600 USDT today; the limit is 500 USDT (5%): new entries resume at 00:00 UTC");
    expect(r.allowed).toBe(false);
  });

  it("treats the margin as the risk when there is no stop", () => {
    const r = assessRisk({ ...base, quantity: units("0.01") });
    expect(r.suggestedQuantity).toBeNull();
    expect(r.positionRisk).toBe("640.64");
    expect(r.totalRisk).toBe("640.64");
  });

  it("checks a short's stop above and target below the entry", () => {
    const ok = assessRisk({ ...base, side: "sell", stopLoss: units("65000"), takeProfit: units("62000") });
    expect(ok.failedChecks).toEqual([]);
    const bad = assessRisk({ ...base, side: "sell", stopLoss: units("63000"), takeProfit: units("65000") });
    expect(bad.failedChecks.map((c) => c.rule)).toContain("STOP_SIDE");
    expect(bad.failedChecks.map((c) => c.rule)).toContain("TARGET_SIDE");
  });

  it("validates settings updates", () => {
    expect(RiskSettingsUpdate.safeParse({ leverage: 5 }).success).toBe(true);
    for (const bad of [{}, { leverage: 0 }, { leverage: 126 }, { riskPerTradePct: "50" }, { dailyLossLimitPct: "0.1" }, { leverage: 2, admin: true }]) {
      expect(RiskSettingsUpdate.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("finds the UTC day", () => {
    expect(utcDayStart(Date.UTC(2026, 10, 23, 23, 59, 59))).toBe(Date.UTC(2026, 10, 23));
  });
});

describe("orderRuleChecks (the checks a live order runs: no equity needed)", () => {
  const live = { side: "buy" as const, entry: units("64000"), settings: DEFAULT_RISK_SETTINGS, openPositions: 0, opensNewPosition: true };
  const failed = (i: Parameters<typeof orderRuleChecks>[0]) => orderRuleChecks(i).filter((c) => !c.passed).map((c) => c.rule);

  it("passes a plain entry, and names every rule a bad one breaks", () => {
    expect(failed(live)).toEqual([]);
    expect(
      failed({ ...live, settings: { ...DEFAULT_RISK_SETTINGS, tradingEnabled: false }, openPositions: 10, confidence: 0.69, stopLoss: units("64500"), takeProfit: units("63000") }),
    ).toEqual(["TRADING_ENABLED", "MAX_OPEN_POSITIONS", "MIN_CONFIDENCE", "STOP_SIDE", "TARGET_SIDE"]);
    const rr = orderRuleChecks({ ...live, stopLoss: units("63000"), takeProfit: units("65400") }).find((c) => c.rule === "MIN_RISK_REWARD")!;
    expect(rr).toEqual({ rule: "MIN_RISK_REWARD", passed: false, message: "risk-reward 1.40 (minimum 1.5)" });
  });

  it("lets an order that takes risk off through with trading disabled or every slot taken", () => {
    const off = { ...live, side: "sell" as const, settings: { ...DEFAULT_RISK_SETTINGS, tradingEnabled: false }, openPositions: 10, opensNewPosition: false, increasesExposure: false };
    expect(failed(off)).toEqual([]);
  });

  it("is the first part of assessRisk: the same checks, in the same order", () => {
    const i = { ...base, quantity: units("0.01"), stopLoss: units("63000"), takeProfit: units("66000"), confidence: 0.8 };
    expect(assessRisk(i).checks.slice(0, orderRuleChecks(i).length)).toEqual(orderRuleChecks(i));
  });
});
