/**
 * The auto-trading bot's settings and decisions (wire shapes; the logic lives in the user's
 * account, durable-objects/src/account/bot.ts).
 *
 * Per symbol: on/off, a confidence threshold (MIN_SIGNAL_CONFIDENCE..1, default 0.7: the risk
 * manager refuses signal orders under 0.7 anyway) and the order size: a quote amount in USDT, or
 * (null, the default) sized by the account's risk per trade at the signal's stop-loss.
 */
import { z } from "zod";
import { PositiveUnitsString } from "./decimal-schema";
import { MIN_SIGNAL_CONFIDENCE } from "./risk";
import { SymbolName } from "./symbols";

export const DEFAULT_BOT_MIN_CONFIDENCE = 0.7;

export const BotSymbolPatch = z.strictObject({
  enabled: z.boolean().optional(),
  minConfidence: z.number().min(MIN_SIGNAL_CONFIDENCE).max(1).optional(),
  /** USDT per order; null: sized by risk per trade at the signal's stop. */
  quoteAmount: PositiveUnitsString.nullable().optional(),
});
export type BotSymbolPatch = z.infer<typeof BotSymbolPatch>;

/** Body of PUT /api/bot/settings: `autoTrading` switches (what the dashboard sends) and/or per-symbol details. */
export const BotSettingsUpdate = z
  .strictObject({
    autoTrading: z.record(SymbolName, z.boolean()).optional(),
    symbols: z.record(SymbolName, BotSymbolPatch).optional(),
  })
  .refine((v) => Object.keys(v.autoTrading ?? {}).length + Object.keys(v.symbols ?? {}).length > 0, "send at least one symbol")
  .refine((v) => Object.keys(v.autoTrading ?? {}).length + Object.keys(v.symbols ?? {}).length <= 64, "at most 64 symbols per update");
export type BotSettingsUpdate = z.infer<typeof BotSettingsUpdate>;

export interface BotSymbolSettings {
  enabled: boolean;
  minConfidence: number;
  quoteAmount: string | null;
}

export interface BotSettingsView {
  /** symbol -> on/off (every symbol ever configured). */
  autoTrading: Record<string, boolean>;
  symbols: Record<string, BotSymbolSettings>;
}

export const BOT_SKIP_REASONS = [
  "auto_trading_off",
  "trading_disabled",
  "neutral_signal",
  "below_threshold",
  "no_levels",
  "stale_signal",
  "no_price",
  "stale_price",
  "already_positioned",
  "opposite_position",
  "size_too_small",
] as const;

export interface BotDecisionView {
  id: number;
  /** ISO 8601. */
  time: string;
  symbol: string;
  interval: string;
  signalId: string;
  /** strong_buy … strong_sell. */
  signalAction: string;
  confidence: number;
  action: "taken" | "skipped";
  taken: boolean;
  /** `taken`, one of BOT_SKIP_REASONS, or the order path's refusal code (risk_rejected, symbol_rule_violation, rate_limited…). */
  reasonCode: string;
  reason: string;
  orderId: string | null;
}
