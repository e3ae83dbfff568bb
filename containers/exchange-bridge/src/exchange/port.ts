/**
 * The exchange port: what the bridge needs from a venue to trade live, behind one interface with
 * two adapters — Binance (`src/binance/`) and a paper exchange over the simulator (`paper.ts`).
 *
 * Every price and quantity is a decimal string ("64123.45"), never a float. Orders carry a
 * caller-chosen `clientOrderId`: it makes placement idempotent and lets the adapter find an order
 * whose placement outcome is unknown (timeout, 5XX) instead of sending it twice.
 *
 * @example
 * const order = await exchange.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT",
 *   quantity: "0.01", price: "64000", timeInForce: "GTC", clientOrderId: "u1-42" });
 */
import type { SymbolRules } from "@bot-core/core";
import { DecimalString, PositiveDecimalString, SymbolName } from "@bot-core/core";
import { z } from "zod";

export const ORDER_SIDES = ["BUY", "SELL"] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const ORDER_TYPES = ["MARKET", "LIMIT"] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const TIME_IN_FORCE = ["GTC", "IOC", "FOK"] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

/** Binance's order statuses (spot and USD-M share these). */
export const ORDER_STATUSES = [
  "NEW",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "PENDING_CANCEL",
  "REJECTED",
  "EXPIRED",
  "EXPIRED_IN_MATCH",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Client order ids: Binance accepts `^[a-zA-Z0-9-_]{1,36}$`. */
export const ClientOrderId = z.string().regex(/^[A-Za-z0-9_-]{1,36}$/, "must be 1-36 characters of A-Z a-z 0-9 _ -");

/** A new order as the trading core asks for it; validated before it reaches any venue. */
export const OrderRequest = z
  .strictObject({
    symbol: SymbolName,
    side: z.enum(ORDER_SIDES),
    type: z.enum(ORDER_TYPES),
    quantity: PositiveDecimalString,
    price: PositiveDecimalString.optional(),
    timeInForce: z.enum(TIME_IN_FORCE).optional(),
    clientOrderId: ClientOrderId,
    /** USD-M futures only: the order may only reduce a position. */
    reduceOnly: z.boolean().optional(),
  })
  .superRefine((o, ctx) => {
    if (o.type === "LIMIT" && o.price === undefined) ctx.addIssue({ code: "custom", path: ["price"], message: "is required for LIMIT orders" });
    if (o.type === "MARKET" && o.price !== undefined) ctx.addIssue({ code: "custom", path: ["price"], message: "must be absent for MARKET orders" });
    if (o.type === "MARKET" && o.timeInForce !== undefined) ctx.addIssue({ code: "custom", path: ["timeInForce"], message: "must be absent for MARKET orders" });
  });
export type OrderRequest = z.infer<typeof OrderRequest>;

/** Identifies an existing order: by the venue's id or by the client order id. */
export type OrderRef = { readonly symbol: string } & ({ readonly orderId: string } | { readonly clientOrderId: string });

export interface ExchangeOrder {
  readonly symbol: string;
  /** The venue's id, as a string (Binance ids exceed 2^53 in places). */
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly side: OrderSide;
  /** The venue's order type ("LIMIT", "MARKET", "STOP_MARKET", …). */
  readonly type: string;
  readonly status: OrderStatus;
  /** "0" for market orders. */
  readonly price: string;
  readonly quantity: string;
  readonly executedQty: string;
  /** Quote asset spent or received so far. */
  readonly cumulativeQuoteQty: string;
  /** Epoch ms of the last change the venue reported. */
  readonly updateTime: number;
}

/** One trade (fill) of an order, as the venue's trade list reports it. */
export interface ExchangeTrade {
  readonly symbol: string;
  /** The venue's trade id, as a string. */
  readonly tradeId: string;
  readonly orderId: string;
  readonly price: string;
  readonly quantity: string;
  readonly commission: string;
  readonly commissionAsset: string | null;
  /** Epoch ms. */
  readonly time: number;
}

export interface Balance {
  readonly asset: string;
  readonly free: string;
  readonly locked: string;
}

/** One execution-report style event from the user data stream. */
export interface OrderUpdateEvent {
  readonly kind: "order";
  readonly order: ExchangeOrder;
  /** "NEW", "TRADE", "CANCELED", "EXPIRED", "REJECTED", … */
  readonly executionType: string;
  /** The fill this event reports, when executionType is TRADE. */
  readonly fill?: {
    readonly tradeId: string;
    readonly price: string;
    readonly quantity: string;
    readonly commission: string;
    readonly commissionAsset: string | null;
  };
  readonly eventTime: number;
}

export interface BalanceUpdateEvent {
  readonly kind: "balances";
  readonly balances: readonly Balance[];
  readonly eventTime: number;
}

export type AccountEvent = OrderUpdateEvent | BalanceUpdateEvent;
export type AccountEventListener = (event: AccountEvent) => void;

/** Exchange rules of a symbol, in the shape of core's `SymbolRules` (quote asset as the venue says). */
export type ExchangeSymbolRules = Omit<SymbolRules, "quoteAsset"> & { readonly quoteAsset: string };

export interface ExchangePort {
  /** "binance-spot", "binance-usdm", "paper". */
  readonly venue: string;
  placeOrder(request: OrderRequest): Promise<ExchangeOrder>;
  cancelOrder(ref: OrderRef): Promise<ExchangeOrder>;
  /** Resolves to undefined when the venue does not know the order. */
  queryOrder(ref: OrderRef): Promise<ExchangeOrder | undefined>;
  openOrders(symbol?: string): Promise<ExchangeOrder[]>;
  balances(): Promise<Balance[]>;
  /** Exchange rules by symbol (cached by the adapter). */
  symbolRules(): Promise<ReadonlyMap<string, ExchangeSymbolRules>>;
  /** Order updates, partial fills and balance changes; returns the unsubscribe function. */
  onAccountEvent(listener: AccountEventListener): () => void;
  /** Starts the user data stream (if any). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Parses a decimal string field of a venue payload (throws on anything else). */
export function decimalField(value: unknown, what: string): string {
  const parsed = DecimalString.safeParse(value);
  if (!parsed.success) throw new TypeError(`${what} is not a decimal string`);
  return parsed.data;
}
