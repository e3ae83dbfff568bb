/** Response bodies of the trading API, shaped like the edge's views (durable-objects/src/account/views.ts). */
import type { AccountView, OrderView, PositionView, TradeView } from "../lib/trading-api";

export function position(overrides: Partial<PositionView> = {}): PositionView {
  return { symbol: "BTCUSDT", side: "long", quantity: "0.01", entryPrice: "60000", markPrice: "60000", unrealizedPnl: "0", margin: "600", ...overrides };
}

export function accountView(overrides: Partial<AccountView> = {}): AccountView {
  return {
    asset: "USDT",
    walletBalance: "10000",
    equity: "10000",
    unrealizedPnl: "0",
    marginUsed: "0",
    orderMargin: "0",
    freeMargin: "10000",
    realizedPnl: "0",
    feesPaid: "0",
    leverage: 1,
    maxLeverage: 20,
    openPositions: 0,
    openOrders: 0,
    maxOpenPositions: 10,
    tradingEnabled: true,
    positions: [],
    ...overrides,
  };
}

let n = 0;
export function orderView(overrides: Partial<OrderView> = {}): OrderView {
  n++;
  return {
    orderId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    clientOrderId: null,
    symbol: "BTCUSDT",
    side: "buy",
    type: "market",
    status: "filled",
    quantity: "0.01",
    filledQuantity: "0.01",
    price: null,
    stopPrice: null,
    callbackRatePct: null,
    timeInForce: null,
    reduceOnly: false,
    avgPrice: "60000",
    fee: "0.24",
    feeAsset: "USDT",
    realizedPnl: "0",
    parentOrderId: null,
    ocoGroup: null,
    attached: null,
    reason: null,
    createdAt: "2026-11-20T10:00:00.000Z",
    updatedAt: "2026-11-20T10:00:00.000Z",
    ...overrides,
  };
}

export function trade(i: number, overrides: Partial<TradeView> = {}): TradeView {
  return {
    tradeId: `t-${i}`,
    orderId: `o-${i}`,
    symbol: "BTCUSDT",
    side: i % 2 ? "sell" : "buy",
    quantity: "0.01",
    price: "60000",
    fee: "0.24",
    realizedPnl: i % 2 ? "5" : "0",
    time: new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(),
    ...overrides,
  };
}

export const SETTINGS = { tradingEnabled: true, leverage: 1, maxOpenPositions: 10, riskPerTradePct: "1", dailyLossLimitPct: "5" };
