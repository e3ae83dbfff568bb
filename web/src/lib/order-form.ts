/**
 * The order ticket's values -> the body of POST /api/orders, checked field by field before
 * sending (format and which fields each type needs, as core's PlaceOrderRequest requires). The
 * exchange and risk rules (step size, min notional, stop side, daily loss …) are the server's:
 * its refusal names the rule, and the form shows it.
 */
import type { PlaceableOrderType, RiskCalculateRequest, TimeInForce } from "@bot-core/core";
import type { PlaceOrderInput } from "./trading-api";

export interface TicketValues {
  symbol: string;
  side: "buy" | "sell";
  type: PlaceableOrderType;
  quantity: string;
  price: string;
  stopPrice: string;
  timeInForce: TimeInForce;
  stopLoss: string;
  takeProfit: string;
  trailingPct: string;
}

export type TicketField = "quantity" | "price" | "stopPrice" | "stopLoss" | "takeProfit" | "trailingPct";
export type TicketErrors = Partial<Record<TicketField, string>>;

export const EMPTY_TICKET: TicketValues = {
  symbol: "BTCUSDT",
  side: "buy",
  type: "market",
  quantity: "",
  price: "",
  stopPrice: "",
  timeInForce: "GTC",
  stopLoss: "",
  takeProfit: "",
  trailingPct: "",
};

/** A positive decimal with at most 8 fraction digits (the ledger's precision). */
const POSITIVE_RE = /^(0|[1-9]\d{0,17})(\.\d{1,8})?$/;
const isPositive = (v: string) => POSITIVE_RE.test(v) && /[1-9]/.test(v);

export const needsPrice = (t: PlaceableOrderType) => t === "limit" || t === "stop_limit";
export const needsStop = (t: PlaceableOrderType) => t === "stop_market" || t === "stop_limit";

function checkAmount(errors: TicketErrors, field: TicketField, value: string, what: string, required: boolean): void {
  if (!value) {
    if (required) errors[field] = `Enter the ${what}.`;
    return;
  }
  if (!isPositive(value)) errors[field] = `The ${what} must be a positive number with at most 8 decimals, like 0.01.`;
}

export function validateTicket(v: TicketValues): TicketErrors {
  const errors: TicketErrors = {};
  const q = v.quantity.trim();
  checkAmount(errors, "quantity", q, "quantity", !v.stopLoss.trim());
  if (!q && !v.stopLoss.trim()) errors.quantity = "Enter a quantity, or a stop-loss to size the order by your risk setting.";
  checkAmount(errors, "price", v.price.trim(), "limit price", needsPrice(v.type));
  checkAmount(errors, "stopPrice", v.stopPrice.trim(), "trigger price", needsStop(v.type));
  checkAmount(errors, "stopLoss", v.stopLoss.trim(), "stop-loss price", false);
  checkAmount(errors, "takeProfit", v.takeProfit.trim(), "take-profit price", false);
  const t = v.trailingPct.trim();
  if (t) {
    const n = Number(t);
    if (!isPositive(t) || n < 0.1 || n > 10) errors.trailingPct = "The trailing distance must be between 0.1 and 10 percent.";
  }
  return errors;
}

/** The request body for valid values (call {@link validateTicket} first). */
export function toOrder(v: TicketValues): PlaceOrderInput {
  const q = v.quantity.trim();
  const order: PlaceOrderInput = { symbol: v.symbol, side: v.side, type: v.type };
  if (q) order.quantity = q;
  if (needsPrice(v.type)) {
    order.price = v.price.trim();
    order.timeInForce = v.timeInForce;
  }
  if (needsStop(v.type)) order.stopPrice = v.stopPrice.trim();
  if (v.stopLoss.trim()) order.stopLoss = v.stopLoss.trim();
  if (v.takeProfit.trim()) order.takeProfit = v.takeProfit.trim();
  if (v.trailingPct.trim()) order.trailingStop = { callbackRatePct: v.trailingPct.trim() };
  return order;
}

/**
 * The risk preview's request for the current values, or null while they are not usable yet.
 * The entry is the limit price (limit, stop-limit), the trigger (stop-market), or the live
 * ask/bid (market; the server fills it in).
 */
export function toRiskRequest(v: TicketValues): RiskCalculateRequest | null {
  const errors = validateTicket({ ...v, quantity: v.quantity, stopLoss: v.stopLoss });
  const usable = (f: TicketField) => !errors[f];
  if (!usable("price") || !usable("stopPrice") || !usable("stopLoss") || !usable("takeProfit")) return null;
  const q = v.quantity.trim();
  if (q && !usable("quantity")) return null;
  const req: RiskCalculateRequest = { symbol: v.symbol, side: v.side, type: v.type };
  if (q) req.quantity = q;
  const entry = needsPrice(v.type) ? v.price.trim() : needsStop(v.type) ? v.stopPrice.trim() : "";
  if (entry) req.entryPrice = entry;
  if (v.stopLoss.trim()) req.stopLoss = v.stopLoss.trim();
  if (v.takeProfit.trim()) req.takeProfit = v.takeProfit.trim();
  return req;
}
