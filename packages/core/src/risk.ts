/**
 * Pre-trade risk: position risk at the stop, total risk, suggested size by risk % of equity,
 * and every check of the spec's trade pipeline, each naming its rule and numbers. Pure.
 */
import { z } from "zod";
import { PositiveUnitsString } from "./decimal-schema";
import { formatDecimal } from "./decimal";
import { abs, div, fmt, mul, mulDiv, units, type Units } from "./money";
import { OrderSideSchema, OrderTypeSchema } from "./orders";
import type { Side } from "./position";
import { SymbolName } from "./symbols";

/** A user's risk settings (GET/PUT /api/trading/settings). Percentages as decimal strings. */
export const RiskSettings = z.strictObject({
  tradingEnabled: z.boolean(),
  /** At most the account's maxLeverage (an operator setting, 20 by default). */
  leverage: z.number().int().min(1).max(125),
  maxOpenPositions: z.number().int().min(1).max(50),
  /** Equity risked per trade at the stop, percent (0.1 to 10). */
  riskPerTradePct: PositiveUnitsString.refine((v) => Number(v) >= 0.1 && Number(v) <= 10, "must be between 0.1 and 10"),
  /** Realized loss (with fees) per UTC day that halts new entries, percent of the wallet at the day's first trade. */
  dailyLossLimitPct: PositiveUnitsString.refine((v) => Number(v) >= 0.5 && Number(v) <= 50, "must be between 0.5 and 50"),
});
export type RiskSettings = z.infer<typeof RiskSettings>;
export const RiskSettingsUpdate = RiskSettings.partial().refine((v) => Object.keys(v).length > 0, "send at least one setting");

export const DEFAULT_RISK_SETTINGS: RiskSettings = {
  tradingEnabled: true,
  leverage: 1,
  maxOpenPositions: 10,
  riskPerTradePct: "1",
  dailyLossLimitPct: "5",
};

/** The spec's thresholds for signal-driven trades. */
export const MIN_SIGNAL_CONFIDENCE = 0.7;
export const MIN_RISK_REWARD = 1.5;

export const RiskCalculateRequest = z.strictObject({
  symbol: SymbolName,
  side: OrderSideSchema,
  type: OrderTypeSchema.optional(),
  quantity: PositiveUnitsString.optional(),
  /** Defaults to the live ask (buy) or bid (sell). */
  entryPrice: PositiveUnitsString.optional(),
  stopLoss: PositiveUnitsString.optional(),
  takeProfit: PositiveUnitsString.optional(),
  /** Signal confidence 0..1 for signal-driven orders. */
  confidence: z.number().min(0).max(1).optional(),
});
export type RiskCalculateRequest = z.infer<typeof RiskCalculateRequest>;

export interface RiskCheck {
  rule: string;
  passed: boolean;
  message: string;
}

export interface RiskInputs {
  side: Side;
  entry: Units;
  quantity?: Units;
  stopLoss?: Units;
  takeProfit?: Units;
  confidence?: number;
  stepSize: Units;
  settings: RiskSettings;
  equity: Units;
  freeMargin: Units;
  /** Worst-case loss already open (margin of open positions, until stops are stored). */
  openRisk: Units;
  openPositions: number;
  opensNewPosition: boolean;
  realizedLossToday: Units;
  dailyLossBase: Units;
  feeRate: Units;
  /**
   * False for an order that only reduces exposure (closing, reduce-only): the entry checks
   * (trading enabled, open positions, daily loss, margin, sizing) do not apply to it.
   */
  increasesExposure?: boolean;
  /** The exact extra margin the order needs, when the caller knows it (netting, working orders). */
  marginNeeded?: Units;
}

export interface RiskReport {
  entryPrice: string;
  quantity: string;
  suggestedQuantity: string | null;
  notional: string;
  requiredMargin: string;
  estimatedFee: string;
  /** Loss at the stop (or the margin at stake when there is no stop), USDT. */
  positionRisk: string;
  positionRiskPct: string;
  /** Open risk plus this position's, USDT. */
  totalRisk: string;
  totalRiskPct: string;
  riskReward: string | null;
  checks: RiskCheck[];
  failedChecks: RiskCheck[];
  allowed: boolean;
}

const pct = (part: Units, whole: Units) => (whole > 0n ? fmt(mulDiv(part, 100n, whole, "half-even"), 2) : "0");

/** What the checks that need no account equity read: the same for a paper and a live order. */
export type OrderRuleInputs = Pick<RiskInputs, "side" | "entry" | "stopLoss" | "takeProfit" | "confidence" | "openPositions" | "opensNewPosition" | "increasesExposure"> & {
  settings: Pick<RiskSettings, "tradingEnabled" | "maxOpenPositions">;
};

/** Reward over risk at the stop (6 decimals, units), when both a stop and a target are given. */
function riskRewardOf(i: Pick<RiskInputs, "entry" | "stopLoss" | "takeProfit">): Units | undefined {
  const stopDistance = i.stopLoss === undefined ? undefined : abs(i.entry - i.stopLoss);
  if (i.takeProfit === undefined || !stopDistance) return undefined;
  return div(abs(i.takeProfit - i.entry), stopDistance, "down");
}

/**
 * The pipeline's checks that need no account equity, in the pipeline's order: trading enabled,
 * open positions, signal confidence, stop and target sides, risk-reward. A live order, whose
 * money is at the venue, runs exactly these; a paper order runs them first in `assessRisk`.
 */
export function orderRuleChecks(i: OrderRuleInputs): RiskCheck[] {
  const entering = i.increasesExposure ?? true;
  const riskReward = riskRewardOf(i);
  const checks: RiskCheck[] = [];
  const check = (rule: string, passed: boolean, message: string) => checks.push({ rule, passed, message });
  if (entering) check("TRADING_ENABLED", i.settings.tradingEnabled, i.settings.tradingEnabled ? "trading is enabled" : "trading is disabled for this account");
  if (entering && i.opensNewPosition) {
    check("MAX_OPEN_POSITIONS", i.openPositions < i.settings.maxOpenPositions, `${i.openPositions} of ${i.settings.maxOpenPositions} positions open`);
  }
  if (i.confidence !== undefined) {
    check("MIN_CONFIDENCE", i.confidence >= MIN_SIGNAL_CONFIDENCE, `signal confidence ${i.confidence} (minimum ${MIN_SIGNAL_CONFIDENCE})`);
  }
  if (i.stopLoss !== undefined) {
    const below = i.stopLoss < i.entry;
    check("STOP_SIDE", i.side === "buy" ? below : !below && i.stopLoss !== i.entry, `a ${i.side === "buy" ? "long" : "short"}'s stop must be ${i.side === "buy" ? "below" : "above"} the entry ${fmt(i.entry)}`);
  }
  if (i.takeProfit !== undefined) {
    const above = i.takeProfit > i.entry;
    check("TARGET_SIDE", i.side === "buy" ? above : !above && i.takeProfit !== i.entry, `a ${i.side === "buy" ? "long" : "short"}'s target must be ${i.side === "buy" ? "above" : "below"} the entry ${fmt(i.entry)}`);
  }
  if (riskReward !== undefined) {
    check("MIN_RISK_REWARD", riskReward >= units(String(MIN_RISK_REWARD)), `risk-reward ${formatDecimal(mulDiv(riskReward, 1n, 10n ** 6n, "down"), 2, 2)} (minimum ${MIN_RISK_REWARD})`);
  }
  return checks;
}

export function assessRisk(i: RiskInputs): RiskReport {
  const riskBudget = mulDiv(i.equity, units(i.settings.riskPerTradePct), units("100"), "down");
  const stopDistance = i.stopLoss === undefined ? undefined : abs(i.entry - i.stopLoss);
  const suggested =
    stopDistance && stopDistance > 0n ? (div(riskBudget, stopDistance, "down") / i.stepSize) * i.stepSize : undefined;
  const quantity = i.quantity ?? suggested ?? 0n;
  const notional = mul(quantity, i.entry, "half-even");
  const requiredMargin = i.marginNeeded ?? mulDiv(notional, 1n, BigInt(i.settings.leverage), "up");
  const entering = i.increasesExposure ?? true;
  const fee = mul(notional, i.feeRate, "up");
  const positionRisk = stopDistance !== undefined ? mul(quantity, stopDistance, "up") + fee : requiredMargin + fee;
  const totalRisk = i.openRisk + positionRisk;
  const riskReward = riskRewardOf(i);

  const checks: RiskCheck[] = orderRuleChecks(i);
  const check = (rule: string, passed: boolean, message: string) => checks.push({ rule, passed, message });
  if (entering && quantity > 0n) {
    check("POSITION_SIZE", stopDistance === undefined || positionRisk <= riskBudget + fee, `risks ${fmt(positionRisk)} USDT at the stop; the budget is ${fmt(riskBudget)} USDT (${i.settings.riskPerTradePct}% of equity)`);
    check("FREE_MARGIN", requiredMargin + fee <= i.freeMargin, `needs ${fmt(requiredMargin)} USDT margin + ${fmt(fee)} fee; free margin is ${fmt(i.freeMargin)} USDT`);
  }
  const dailyLimit = mulDiv(i.dailyLossBase, units(i.settings.dailyLossLimitPct), units("100"), "down");
  if (entering) {
    check("DAILY_LOSS_LIMIT", i.realizedLossToday < dailyLimit || i.dailyLossBase === 0n, `lost ${fmt(i.realizedLossToday)} USDT today; the limit is ${fmt(dailyLimit)} USDT (${i.settings.dailyLossLimitPct}%): new entries resume at 00:00 UTC`);
  }

  const failedChecks = checks.filter((c) => !c.passed);
  return {
    entryPrice: fmt(i.entry),
    quantity: fmt(quantity),
    suggestedQuantity: suggested === undefined ? null : fmt(suggested),
    notional: fmt(notional),
    requiredMargin: fmt(requiredMargin),
    estimatedFee: fmt(fee),
    positionRisk: fmt(positionRisk),
    positionRiskPct: pct(positionRisk, i.equity),
    totalRisk: fmt(totalRisk),
    totalRiskPct: pct(totalRisk, i.equity),
    riskReward: riskReward === undefined ? null : formatDecimal(mulDiv(riskReward, 1n, 10n ** 6n, "down"), 2, 2),
    checks,
    failedChecks,
    allowed: failedChecks.length === 0,
  };
}

/** Midnight UTC of the day containing `now`. */
export function utcDayStart(now: number): number {
  return Math.floor(now / 86_400_000) * 86_400_000;
}
