/**
 * Order requests and the exchange's symbol rules (Binance exchangeInfo filters: LOT_SIZE,
 * MIN_NOTIONAL, PRICE_FILTER), checked exactly on fixed-point units.
 */
import { z } from "zod";
import { PositiveUnitsString } from "./decimal-schema";
import { fmt, isMultipleOf, mul, units, type Units } from "./money";
import type { SymbolRules } from "./symbols";
import { SymbolName } from "./symbols";

export const OrderSideSchema = z.preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), z.enum(["buy", "sell"]));
export const ORDER_TYPES = ["market"] as const;

/** Body of POST /api/orders and POST /api/trading/execute. */
export const PlaceOrderRequest = z.strictObject({
  symbol: SymbolName,
  side: OrderSideSchema,
  type: z
    .preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), z.enum(ORDER_TYPES, { message: "only market orders are supported so far" }))
    .default("market"),
  quantity: PositiveUnitsString,
  /** The client's own id for the order (echoed back). */
  clientOrderId: z.string().regex(/^[A-Za-z0-9._:-]{1,36}$/, "1-36 letters, digits or ._:-").optional(),
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

export interface RuleViolation {
  /** The exchange filter or risk rule, e.g. "LOT_SIZE.stepSize", "MIN_NOTIONAL". */
  rule: string;
  message: string;
}

/** Checks a quantity (and the price it would fill at) against the symbol's filters. */
export function checkSymbolRules(rules: SymbolRules, quantity: Units, price: Units): RuleViolation[] {
  const out: RuleViolation[] = [];
  const step = units(rules.stepSize);
  if (!isMultipleOf(quantity, step)) {
    out.push({ rule: "LOT_SIZE.stepSize", message: `quantity ${fmt(quantity)} is not a multiple of the step size ${rules.stepSize}` });
  }
  if (quantity < units(rules.minQty)) {
    out.push({ rule: "LOT_SIZE.minQty", message: `quantity ${fmt(quantity)} is below the minimum ${rules.minQty}` });
  }
  if (quantity > units(rules.maxQty)) {
    out.push({ rule: "LOT_SIZE.maxQty", message: `quantity ${fmt(quantity)} is above the maximum ${rules.maxQty}` });
  }
  const notional = mul(quantity, price, "half-even");
  if (notional < units(rules.minNotional)) {
    out.push({ rule: "MIN_NOTIONAL", message: `order value ${fmt(notional)} USDT is below the minimum ${rules.minNotional} USDT` });
  }
  return out;
}
