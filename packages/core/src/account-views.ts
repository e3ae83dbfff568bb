/**
 * What the trading API answers (the UserAccount's views): orders, positions, the account and
 * trades. Types only, shared by the edge and the dashboard. Every amount is a decimal string.
 */
import type { OrderStatus } from "./order-state";
import type { OrderType, TimeInForce } from "./orders";
import type { Side } from "./position";

/** Protective orders attached to an entry: created when (and as far as) the entry fills. */
export interface Brackets {
  stopLoss?: string;
  takeProfit?: string;
  trailingStopCallbackRatePct?: string;
}

export interface OrderView {
  orderId: string;
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  type: OrderType;
  status: OrderStatus;
  quantity: string;
  filledQuantity: string;
  /** Limit price (limit, stop_limit). */
  price: string | null;
  /** Trigger price (stop and take-profit orders; a trailing stop's price when it was armed or last amended). */
  stopPrice: string | null;
  callbackRatePct: string | null;
  timeInForce: TimeInForce | null;
  reduceOnly: boolean;
  avgPrice: string | null;
  fee: string;
  feeAsset: "USDT";
  realizedPnl: string;
  /** The entry an attached stop/target/trailing stop protects. */
  parentOrderId: string | null;
  /** Orders in one OCO group cancel each other when one fills. */
  ocoGroup: string | null;
  attached: Brackets | null;
  /** Why the order was canceled, expired or rejected. */
  reason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PositionView {
  symbol: string;
  side: "long" | "short";
  quantity: string;
  entryPrice: string;
  markPrice: string;
  unrealizedPnl: string;
  margin: string;
}

export interface AccountView {
  asset: "USDT";
  walletBalance: string;
  equity: string;
  unrealizedPnl: string;
  /** Initial margin of open positions. */
  marginUsed: string;
  /** Margin reserved by working entry orders. */
  orderMargin: string;
  freeMargin: string;
  realizedPnl: string;
  feesPaid: string;
  leverage: number;
  maxLeverage: number;
  openPositions: number;
  openOrders: number;
  maxOpenPositions: number;
  tradingEnabled: boolean;
  positions: PositionView[];
}

export interface TradeView {
  tradeId: string;
  orderId: string;
  symbol: string;
  side: Side;
  quantity: string;
  price: string;
  fee: string;
  realizedPnl: string;
  time: string;
}
