/**
 * Order requests and the exchange's symbol rules (Binance exchangeInfo filters: LOT_SIZE,
 * MIN_NOTIONAL, PRICE_FILTER), checked exactly on fixed-point units.
 *
 * Order types (Binance USD-M names in lower case):
 *   market          fills at once at the best bid/ask
 *   limit           fills at `price` or better; rests on the book, partially filled against the
 *                   quantity the book shows
 *   stop_market     a market order armed at `stopPrice`
 *   stop_limit      a limit order at `price` armed at `stopPrice`
 * Children created by an entry's attached `stopLoss` / `takeProfit` / `trailingStop` (reduce-only,
 * one-cancels-the-others): stop_market, take_profit_market, trailing_stop_market.
 */
import { z } from "zod";
import { PositiveUnitsString } from "./decimal-schema";
import { fmt, isMultipleOf, mul, units, type Units } from "./money";
import type { SymbolRules } from "./symbols";
import { SymbolName } from "./symbols";

/**
 * An enum accepted in lower or upper case (Binance writes BUY, LIMIT), normalized to the first
 * form. Written as enum + transform (not preprocess) so the OpenAPI document can list the values.
 */
function caseInsensitiveEnum<const T extends readonly [string, ...string[]]>(values: T, normalize: (v: string) => string) {
  const accepted = [...new Set(values.flatMap((v) => [v, v.toLowerCase(), v.toUpperCase()]))] as [string, ...string[]];
  return z.enum(accepted).transform((v) => normalize(v) as T[number]);
}

export const OrderSideSchema = caseInsensitiveEnum(["buy", "sell"] as const, (v) => v.toLowerCase());

/** Types a client can place. */
export const ORDER_TYPES = ["market", "limit", "stop_market", "stop_limit"] as const;
export type PlaceableOrderType = (typeof ORDER_TYPES)[number];
/** Every type an order can have, including the children of attached brackets. */
export const ALL_ORDER_TYPES = [...ORDER_TYPES, "take_profit_market", "trailing_stop_market"] as const;
export type OrderType = (typeof ALL_ORDER_TYPES)[number];

export const TIME_IN_FORCE = ["GTC", "IOC", "FOK"] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

export const OrderTypeSchema = caseInsensitiveEnum(ORDER_TYPES, (v) => v.toLowerCase());

/** Trailing distance in percent of the best price since the stop was armed (Binance: 0.1-5; here up to 10). */
export const CallbackRatePct = PositiveUnitsString.refine((v) => {
  const u = units(v);
  return u >= units("0.1") && u <= units("10");
}, "must be between 0.1 and 10 (percent)");

/** A signal that drives an order (the bot, or a user acting on one). */
export const OrderSignal = z.strictObject({
  /** The model's confidence, 0..1; orders under the minimum (0.7) are refused. */
  confidence: z.number().min(0).max(1),
  source: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, "1-64 letters, digits or ._:-").optional(),
});

const needsPrice = (t: PlaceableOrderType) => t === "limit" || t === "stop_limit";
const needsStop = (t: PlaceableOrderType) => t === "stop_market" || t === "stop_limit";

/** Body of POST /api/orders and POST /api/trading/execute. */
export const PlaceOrderRequest = z
  .strictObject({
    symbol: SymbolName,
    side: OrderSideSchema,
    type: OrderTypeSchema.default("market"),
    /**
     * Base-asset quantity. May be left out when `stopLoss` is given: the order is then sized so
     * that a stop-out loses the account's risk per trade (% of equity).
     */
    quantity: PositiveUnitsString.optional(),
    /** Limit price (limit, stop_limit). */
    price: PositiveUnitsString.optional(),
    /** Trigger price (stop_market, stop_limit). */
    stopPrice: PositiveUnitsString.optional(),
    /** limit / stop_limit only; default GTC. */
    timeInForce: caseInsensitiveEnum(TIME_IN_FORCE, (v) => v.toUpperCase()).optional(),
    /** Only reduce an open position, never open or flip one. */
    reduceOnly: z.boolean().optional(),
    /** Attached protective stop: closes the resulting position at this trigger price. */
    stopLoss: PositiveUnitsString.optional(),
    /** Attached target: closes the resulting position at this trigger price. */
    takeProfit: PositiveUnitsString.optional(),
    /** Attached trailing stop, in percent from the best price reached. */
    trailingStop: z.strictObject({ callbackRatePct: CallbackRatePct }).optional(),
    signal: OrderSignal.optional(),
    /** The client's own id for the order (echoed back). */
    clientOrderId: z.string().regex(/^[A-Za-z0-9._:-]{1,36}$/, "1-36 letters, digits or ._:-").optional(),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (needsPrice(o.type) && o.price === undefined) issue("price", `a ${o.type} order needs a price`);
    if (!needsPrice(o.type) && o.price !== undefined) issue("price", `a ${o.type} order takes no price`);
    if (needsStop(o.type) && o.stopPrice === undefined) issue("stopPrice", `a ${o.type} order needs a stopPrice`);
    if (!needsStop(o.type) && o.stopPrice !== undefined) issue("stopPrice", `a ${o.type} order takes no stopPrice`);
    if (o.timeInForce !== undefined && !needsPrice(o.type)) issue("timeInForce", `a ${o.type} order takes no timeInForce`);
    if (o.quantity === undefined && o.stopLoss === undefined) issue("quantity", "required (or give a stopLoss to size the order by risk)");
    if (o.reduceOnly && (o.stopLoss !== undefined || o.takeProfit !== undefined || o.trailingStop !== undefined)) {
      issue("reduceOnly", "a reduce-only order cannot carry stopLoss, takeProfit or trailingStop");
    }
  });
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

/** Body of PATCH /api/orders/:id: change a working order's quantity or prices. */
export const AmendOrderRequest = z
  .strictObject({
    quantity: PositiveUnitsString.optional(),
    price: PositiveUnitsString.optional(),
    stopPrice: PositiveUnitsString.optional(),
    callbackRatePct: CallbackRatePct.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "send at least one of quantity, price, stopPrice, callbackRatePct");
export type AmendOrderRequest = z.infer<typeof AmendOrderRequest>;

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

/** PRICE_FILTER.tickSize for every price an order carries (`field` names it in the message). */
export function checkPriceTicks(rules: SymbolRules, prices: Readonly<Record<string, Units | undefined>>): RuleViolation[] {
  const tick = units(rules.tickSize);
  const out: RuleViolation[] = [];
  for (const [field, price] of Object.entries(prices)) {
    if (price !== undefined && !isMultipleOf(price, tick)) {
      out.push({ rule: "PRICE_FILTER.tickSize", message: `${field} ${fmt(price)} is not a multiple of the tick size ${rules.tickSize}` });
    }
  }
  return out;
}

/** Rounds a quantity down to the symbol's step size. */
export function floorToStep(quantity: Units, rules: SymbolRules): Units {
  const step = units(rules.stepSize);
  return (quantity / step) * step;
}
