/**
 * The bot's per-symbol settings form, checked by hand against the server's ranges (core's
 * BotSymbolPatch: threshold MIN_SIGNAL_CONFIDENCE..1, size a positive USDT amount with at most
 * 8 decimals, or empty = sized by risk per trade). The server validates again and has the last word.
 */
import type { BotSymbolPatch, BotSymbolSettings } from "@bot-core/core";

/** Core's MIN_SIGNAL_CONFIDENCE (risk.ts sits beside zod schemas; drift-tested). */
export const BOT_MIN_CONFIDENCE = 0.7;

export interface BotFormValues {
  enabled: boolean;
  /** Decimal text, e.g. "0.75". */
  minConfidence: string;
  /** USDT per order; "" = sized by risk per trade. */
  quoteAmount: string;
}

export type BotFormErrors = Partial<Record<"minConfidence" | "quoteAmount", string>>;

const THRESHOLD_RE = /^(0|1)(\.\d{1,4})?$/;
const USDT_RE = /^\d{1,12}(\.\d{1,8})?$/;

export function botFormValues(s: BotSymbolSettings | undefined): BotFormValues {
  return { enabled: s?.enabled ?? false, minConfidence: String(s?.minConfidence ?? BOT_MIN_CONFIDENCE), quoteAmount: s?.quoteAmount ?? "" };
}

export function validateBotForm(v: BotFormValues): BotFormErrors {
  const errors: BotFormErrors = {};
  const t = v.minConfidence.trim();
  if (!THRESHOLD_RE.test(t) || Number(t) < BOT_MIN_CONFIDENCE || Number(t) > 1) errors.minConfidence = `A confidence from ${BOT_MIN_CONFIDENCE} to 1 (at most 4 decimals).`;
  const q = v.quoteAmount.trim();
  if (q !== "" && (!USDT_RE.test(q) || !/[1-9]/.test(q))) errors.quoteAmount = "A positive USDT amount with at most 8 decimals, or empty to size by your risk per trade.";
  return errors;
}

/** The PUT body's patch for one symbol (call after validateBotForm found nothing). */
export function toBotPatch(v: BotFormValues): BotSymbolPatch {
  const q = v.quoteAmount.trim();
  return { enabled: v.enabled, minConfidence: Number(v.minConfidence.trim()), quoteAmount: q === "" ? null : q };
}
