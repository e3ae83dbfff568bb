/**
 * The trade signal: the schema every consumer (edge, bot, dashboard) validates, and the builder
 * that turns a market state and the model's probability into one.
 *
 * The score is a weighted vote in [-1, 1] of independent opinions (indicators, patterns, trend,
 * the model): >= 0.5 strong buy, >= 0.2 buy, <= -0.2 sell, <= -0.5 strong sell, else neutral.
 * Confidence = |score| x (0.5 + 0.5 x the share of non-neutral opinions that agree with it);
 * for a neutral signal, how close the score is to 0.
 *
 * Prices: entry is the last close; the stop-loss sits STOP_ATR x ATR(14) away, the take-profit
 * TARGET_ATR x ATR(14) away. They are decimal strings on the symbol's tick, rounded with bigint
 * fixed-point arithmetic: the stop AWAY from the entry (never tighter than the rule), the target
 * TOWARDS it (never further than the rule). Risk-reward is computed from the rounded prices.
 *
 * @example
 * const signal = buildSignal({ symbol: "BTCUSDT", interval: "1m", rules, state, model: { version, probabilityUp: 0.61, horizonBars: 5 } });
 */
import { DecimalString, fmt, KlineInterval, pricePrecision, units, type SymbolRules } from "@bot-core/core";
import { z } from "zod";
import type { MarketState } from "./market-state";

export const STOP_ATR = 1.5;
export const TARGET_ATR = 3;
/** The model votes like one indicator: on simulated data it has no out-of-sample edge (models/MODEL_CARD.md). */
export const MODEL_WEIGHT = 1;

export const SIGNAL_ACTIONS = ["strong_buy", "buy", "neutral", "sell", "strong_sell"] as const;
export const SignalAction = z.enum(SIGNAL_ACTIONS);
export type SignalAction = z.infer<typeof SignalAction>;

export const SIGNAL_LABELS: Readonly<Record<SignalAction, string>> = {
  strong_buy: "Strong Buy",
  buy: "Buy",
  neutral: "Neutral",
  sell: "Sell",
  strong_sell: "Strong Sell",
};

export const Opinion = z.enum(["bullish", "bearish", "neutral"]);
export type Opinion = z.infer<typeof Opinion>;

export const SignalReason = z.object({
  source: z.enum(["indicator", "pattern", "trend", "level", "model"]),
  name: z.string(),
  says: Opinion,
  /** The opinion's vote in [-1, 1] before weighting. */
  vote: z.number().min(-1).max(1),
  weight: z.number().nonnegative(),
  detail: z.string(),
});
export type SignalReason = z.infer<typeof SignalReason>;

const Num = z.number().finite();
const OptNum = Num.nullable();

export const Signal = z.object({
  symbol: z.string(),
  interval: KlineInterval,
  action: SignalAction,
  label: z.string(),
  confidence: z.number().min(0).max(1),
  score: z.number().min(-1).max(1),
  /** Last close, on the symbol's tick. */
  entry: DecimalString,
  /** Null for a neutral signal (nothing to trade). */
  stopLoss: DecimalString.nullable(),
  takeProfit: DecimalString.nullable(),
  /** Reward / risk from the rounded prices, 2 decimals; null for a neutral signal. */
  riskReward: Num.nullable(),
  reasons: z.array(SignalReason),
  model: z
    .object({ version: z.string(), probabilityUp: z.number().min(0).max(1), horizonBars: z.number().int().positive() })
    .nullable(),
  indicators: z.object({
    rsi14: OptNum,
    macd: OptNum,
    macdSignal: OptNum,
    macdHistogram: OptNum,
    bollingerUpper: OptNum,
    bollingerMiddle: OptNum,
    bollingerLower: OptNum,
    sma9: OptNum,
    sma21: OptNum,
    sma50: OptNum,
    sma200: OptNum,
    ema9: OptNum,
    ema21: OptNum,
    ema50: OptNum,
    ema200: OptNum,
    atr14: OptNum,
    stochK: OptNum,
    stochD: OptNum,
    adx14: OptNum,
    obv: OptNum,
    vwap: OptNum,
    volumeAvg20: OptNum,
  }),
  patterns: z.array(z.object({ name: z.string(), direction: Opinion, candles: z.number().int().positive() })),
  levels: z.object({
    support: z.array(z.object({ price: Num, touches: z.number().int().positive() })),
    resistance: z.array(z.object({ price: Num, touches: z.number().int().positive() })),
    fibonacci: z
      .object({ swingHigh: Num, swingLow: Num, direction: z.enum(["up", "down"]), levels: z.array(z.object({ ratio: Num, price: Num })) })
      .nullable(),
  }),
  trend: z.object({ direction: z.enum(["up", "down", "sideways"]), strength: z.number().min(0).max(1), adx: OptNum, slopePerBar: Num }),
  candles: z.number().int().positive(),
  lastClosedOpenTime: z.number().int().nonnegative(),
  /** Milliseconds per stage (the caller adds queue wait and total). */
  timingsMs: z.record(z.string(), z.number().nonnegative()),
  /** Optional human explanation (an LLM, when configured). */
  explanation: z.string().optional(),
});
export type Signal = z.infer<typeof Signal>;

export interface ModelOpinion {
  readonly version: string;
  /** Probability that the close `horizonBars` candles ahead is above the last close. */
  readonly probabilityUp: number;
  readonly horizonBars: number;
}

export interface SignalInput {
  readonly symbol: string;
  readonly interval: KlineInterval;
  readonly rules: SymbolRules;
  readonly state: MarketState;
  /** Null when no model is loaded: the signal then rests on the indicators alone. */
  readonly model: ModelOpinion | null;
  readonly timingsMs?: Readonly<Record<string, number>>;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const clamp1 = (x: number) => Math.max(-1, Math.min(1, x));
const says = (vote: number): Opinion => (vote > 0 ? "bullish" : vote < 0 ? "bearish" : "neutral");

/** Weighted opinions of every stage, in a stable order. */
export function opinions(state: MarketState, model: ModelOpinion | null): SignalReason[] {
  const s = state.snapshot;
  const out: SignalReason[] = [];
  const add = (source: SignalReason["source"], name: string, vote: number, weight: number, detail: string) =>
    out.push({ source, name, says: says(vote), vote: clamp1(vote), weight, detail });

  if (s.rsi14 !== undefined) {
    const v = s.rsi14 < 30 ? 1 : s.rsi14 < 40 ? 0.5 : s.rsi14 > 70 ? -1 : s.rsi14 > 60 ? -0.5 : 0;
    add("indicator", "rsi14", v, 1, `RSI(14) ${r2(s.rsi14)}${s.rsi14 < 30 ? " (oversold)" : s.rsi14 > 70 ? " (overbought)" : ""}`);
  }
  // Votes that compare prices are scaled by ATR(14), so noise around zero does not vote.
  const atr = s.atr14 ?? 0;
  if (s.macd?.histogram !== undefined && atr > 0) {
    add("indicator", "macd", s.macd.histogram / (0.25 * atr), 1, `MACD histogram ${s.macd.histogram >= 0 ? "above" : "below"} zero (${s.macd.histogram.toPrecision(4)}, ${r2(s.macd.histogram / atr)} ATR)`);
  }
  if (s.bollinger) {
    const b = s.bollinger.percentB;
    add("indicator", "bollinger", b < 0 ? 1 : b > 1 ? -1 : 0, 0.5, `close at ${r2(b * 100)}% of the Bollinger band`);
  }
  const e21 = s.ema[21];
  const e50 = s.ema[50];
  if (e21 !== undefined && e50 !== undefined && atr > 0) {
    const gap = 0.05 * atr;
    const v = state.close - e21 > gap && e21 - e50 > gap ? 1 : e21 - state.close > gap && e50 - e21 > gap ? -1 : 0;
    add("indicator", "ema_alignment", v, 1, `close ${state.close > e21 ? ">" : "<"} EMA21 ${e21 > e50 ? ">" : "<"} EMA50`);
  }
  if (s.stochastic) {
    const { k, d } = s.stochastic;
    const v = k < 20 && k > d ? 1 : k > 80 && k < d ? -1 : 0;
    add("indicator", "stochastic", v, 0.5, `%K ${r2(k)} / %D ${r2(d)}`);
  }
  if (s.obv !== undefined && s.obvPrev10 !== undefined) {
    const v = s.obv > s.obvPrev10 ? 0.5 : s.obv < s.obvPrev10 ? -0.5 : 0;
    add("indicator", "obv", v, 0.5, `OBV ${s.obv >= s.obvPrev10 ? "rising" : "falling"} over 10 candles`);
  }
  const t = state.trend;
  add("trend", "trend", t.direction === "up" ? t.strength : t.direction === "down" ? -t.strength : 0, 1, `${t.direction} trend, ADX ${t.adx === undefined ? "n/a" : r2(t.adx)}`);
  for (const p of state.patterns) add("pattern", p.name, p.direction === "bullish" ? 1 : p.direction === "bearish" ? -1 : 0, 0.75, `${p.name.replaceAll("_", " ")} (${p.candles} candle${p.candles > 1 ? "s" : ""})`);
  const sup = state.levels.support[0];
  const res = state.levels.resistance[0];
  if (atr > 0 && sup && state.close - sup.price < 0.5 * atr) add("level", "near_support", 0.5, 0.5, `close within 0.5 ATR of support ${sup.price.toPrecision(8)} (${sup.touches} touches)`);
  if (atr > 0 && res && res.price - state.close < 0.5 * atr) add("level", "near_resistance", -0.5, 0.5, `close within 0.5 ATR of resistance ${res.price.toPrecision(8)} (${res.touches} touches)`);
  if (model) {
    add("model", "model", (model.probabilityUp - 0.5) * 2, MODEL_WEIGHT, `model ${model.version}: P(up over ${model.horizonBars} bars) = ${r2(model.probabilityUp * 100)}%`);
  }
  return out;
}

export function actionOf(score: number): SignalAction {
  return score >= 0.5 ? "strong_buy" : score >= 0.2 ? "buy" : score <= -0.5 ? "strong_sell" : score <= -0.2 ? "sell" : "neutral";
}

/** Rounds `x` (units) to a multiple of `tick` (units), down or up. */
function toTick(x: bigint, tick: bigint, dir: "down" | "up"): bigint {
  const q = x / tick;
  const floor = (x % tick !== 0n && x < 0n ? q - 1n : q) * tick;
  return dir === "down" || floor === x ? floor : floor + tick;
}

export interface TradeLevels {
  readonly entry: string;
  readonly stopLoss: string | null;
  readonly takeProfit: string | null;
  readonly riskReward: number | null;
}

/**
 * Entry (the close, on the tick), ATR stop and target on the tick: the stop rounded away from
 * the entry, the target towards it. Stop/target are null when ATR is 0 or a level would not be
 * a positive price distinct from the entry.
 */
export function tradeLevels(close: number, atr: number, long: boolean, rules: SymbolRules): TradeLevels {
  const tick = units(rules.tickSize);
  const decimals = pricePrecision(rules);
  const entryUnits = toTick(BigInt(Math.round(close * 1e8)), tick, "down");
  const atrUnits = BigInt(Math.round(Math.max(0, atr) * 1e8));
  const entry = fmt(entryUnits, decimals);
  if (atrUnits === 0n) return { entry, stopLoss: null, takeProfit: null, riskReward: null };
  const stopDist = toTick((atrUnits * BigInt(STOP_ATR * 100)) / 100n, tick, "up");
  const targetDist = toTick((atrUnits * BigInt(TARGET_ATR * 100)) / 100n, tick, "down");
  let stop = long ? entryUnits - stopDist : entryUnits + stopDist;
  if (stop <= 0n) stop = tick;
  const target = long ? entryUnits + targetDist : entryUnits - targetDist;
  if (target <= 0n || stop === entryUnits || target === entryUnits) return { entry, stopLoss: null, takeProfit: null, riskReward: null };
  const risk = Number(long ? entryUnits - stop : stop - entryUnits);
  const reward = Number(long ? target - entryUnits : entryUnits - target);
  return { entry, stopLoss: fmt(stop, decimals), takeProfit: fmt(target, decimals), riskReward: r2(reward / risk) };
}

export function buildSignal(input: SignalInput): Signal {
  const { state, model, rules } = input;
  const s = state.snapshot;
  const reasons = opinions(state, model);
  const totalWeight = reasons.reduce((a, r) => a + r.weight, 0);
  const score = clamp1(totalWeight === 0 ? 0 : reasons.reduce((a, r) => a + r.vote * r.weight, 0) / totalWeight);
  const action = actionOf(score);
  const voting = reasons.filter((r) => r.vote !== 0);
  const agree = voting.length === 0 ? 0 : voting.filter((r) => Math.sign(r.vote) === Math.sign(score)).length / voting.length;
  const confidence = action === "neutral" ? 1 - Math.abs(score) / 0.2 : Math.min(1, Math.abs(score)) * (0.5 + 0.5 * agree);

  const long = action === "buy" || action === "strong_buy";
  const levels = action === "neutral" ? null : tradeLevels(state.close, s.atr14 ?? 0, long, rules);
  const entry = levels?.entry ?? tradeLevels(state.close, 0, long, rules).entry;
  const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);
  return {
    symbol: input.symbol,
    interval: input.interval,
    action,
    label: SIGNAL_LABELS[action],
    confidence: Math.max(0, Math.min(1, Math.round(confidence * 1e4) / 1e4)),
    score: Math.round(score * 1e4) / 1e4,
    entry,
    stopLoss: levels?.stopLoss ?? null,
    takeProfit: levels?.takeProfit ?? null,
    riskReward: levels?.riskReward ?? null,
    reasons,
    model: model ? { version: model.version, probabilityUp: model.probabilityUp, horizonBars: model.horizonBars } : null,
    indicators: {
      rsi14: num(s.rsi14),
      macd: num(s.macd?.macd),
      macdSignal: num(s.macd?.signal),
      macdHistogram: num(s.macd?.histogram),
      bollingerUpper: num(s.bollinger?.upper),
      bollingerMiddle: num(s.bollinger?.middle),
      bollingerLower: num(s.bollinger?.lower),
      sma9: num(s.sma[9]),
      sma21: num(s.sma[21]),
      sma50: num(s.sma[50]),
      sma200: num(s.sma[200]),
      ema9: num(s.ema[9]),
      ema21: num(s.ema[21]),
      ema50: num(s.ema[50]),
      ema200: num(s.ema[200]),
      atr14: num(s.atr14),
      stochK: num(s.stochastic?.k),
      stochD: num(s.stochastic?.d),
      adx14: num(s.adx14?.adx),
      obv: num(s.obv),
      vwap: num(s.vwap),
      volumeAvg20: num(s.volumeAvg20),
    },
    patterns: state.patterns.map((p) => ({ name: p.name, direction: p.direction, candles: p.candles })),
    levels: { support: [...state.levels.support], resistance: [...state.levels.resistance], fibonacci: state.fibonacci ? { ...state.fibonacci, levels: [...state.fibonacci.levels] } : null },
    trend: { direction: state.trend.direction, strength: state.trend.strength, adx: num(state.trend.adx), slopePerBar: state.trend.slopePerBar },
    candles: state.candles,
    lastClosedOpenTime: state.lastOpenTime,
    timingsMs: { ...state.timingsMs, ...input.timingsMs },
  };
}
