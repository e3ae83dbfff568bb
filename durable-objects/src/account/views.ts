/**
 * What the UserAccount stores (row types) and what it returns over RPC (views). Every amount in a
 * row is an integer string of 1e-8 units; every amount in a view is a decimal string.
 */
import { fmt, type OrderStatus, type OrderType, type RuleViolation, type Side, type TimeInForce } from "@bot-core/core";

/** Per-user limits (spec: 100 requests/min with bursts of 20/s; 10 trades/min). */
export interface RateLimits {
  requestsPerMinute: number;
  burstPerSecond: number;
  tradesPerMinute: number;
}

export interface Admission {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the per-minute bucket is full again. */
  resetSec: number;
  retryAfterSec: number;
  policy: string;
}

export interface AccountHeader {
  userId: string;
  createdAt: number;
  openedAt: number;
}

export type { AccountView, Brackets, OrderView, PositionView, TradeView } from "@bot-core/core";
import type { Brackets, OrderView, TradeView } from "@bot-core/core";

export type Failure = {
  ok: false;
  status: 404 | 409 | 422 | 429 | 503;
  code: string;
  message: string;
  violations?: RuleViolation[];
  retryAfterSec?: number;
};

export const fail = (status: Failure["status"], code: string, message: string, violations?: RuleViolation[]): Failure => ({
  ok: false,
  status,
  code,
  message,
  ...(violations ? { violations } : {}),
});

/** A 422 naming every broken rule, in the message and as `violations`. */
export const rejected = (code: string, violations: RuleViolation[]): Failure =>
  fail(422, code, violations.map((v) => `${v.rule}: ${v.message}`).join("; "), violations);

/** The best bid/ask (with the quantities shown) and last price when the request arrived. */
export interface Quote {
  price: string;
  bid: string;
  ask: string;
  bidQty: string;
  askQty: string;
  time: number;
}

export type OrderResult = ({ ok: true; order: OrderView; replayed: boolean } | Failure) & { admission?: Admission };

export type OrderRow = {
  seq: number;
  id: string;
  client_order_id: string | null;
  symbol: string;
  side: Side;
  type: OrderType;
  status: OrderStatus;
  qty: string;
  filled_qty: string;
  avg_price: string | null;
  fee: string;
  realized_pnl: string;
  created_at: number;
  updated_at: number;
  price: string | null;
  stop_price: string | null;
  callback_rate: string | null;
  time_in_force: TimeInForce | null;
  reduce_only: number;
  parent_id: string | null;
  oco_group: string | null;
  brackets: string | null;
  version: number;
  last_fire: number;
  reason: string | null;
  signal_confidence: number | null;
};

export type FillRow = {
  id: string;
  order_id: string;
  symbol: string;
  side: string;
  qty: string;
  price: string;
  fee: string;
  realized_pnl: string;
  ts: number;
};

const dec = (v: string | null): string | null => (v === null ? null : fmt(BigInt(v)));

export function orderView(r: OrderRow): OrderView {
  return {
    orderId: r.id,
    clientOrderId: r.client_order_id,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    status: r.status,
    quantity: fmt(BigInt(r.qty)),
    filledQuantity: fmt(BigInt(r.filled_qty)),
    price: dec(r.price),
    stopPrice: dec(r.stop_price),
    callbackRatePct: dec(r.callback_rate),
    timeInForce: r.time_in_force,
    reduceOnly: r.reduce_only === 1,
    avgPrice: dec(r.avg_price),
    fee: fmt(BigInt(r.fee)),
    feeAsset: "USDT",
    realizedPnl: fmt(BigInt(r.realized_pnl)),
    parentOrderId: r.parent_id,
    ocoGroup: r.oco_group,
    attached: r.brackets ? (JSON.parse(r.brackets) as Brackets) : null,
    reason: r.reason,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export function tradeView(r: FillRow): TradeView {
  return {
    tradeId: r.id,
    orderId: r.order_id,
    symbol: r.symbol,
    side: r.side as Side,
    quantity: fmt(BigInt(r.qty)),
    price: fmt(BigInt(r.price)),
    fee: fmt(BigInt(r.fee)),
    realizedPnl: fmt(BigInt(r.realized_pnl)),
    time: new Date(r.ts).toISOString(),
  };
}
