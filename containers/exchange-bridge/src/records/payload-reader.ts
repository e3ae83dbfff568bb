/**
 * Stored rows back into the outbox payloads they came from. Both stores keep the same snake_case
 * columns (the spec's MongoDB field names); they differ only in where a trade's or an order's id
 * lives (`_id` in MongoDB, `trade_id`/`order_id` in SQLite) and how a time is stored (a Date in
 * MongoDB, epoch ms in SQLite).
 *
 * @example
 * const read = payloadReader({ idOf: (row) => row._id, time: (v) => (v as Date).toISOString() });
 * read.trade(doc); // TradeRecordPayload
 */
import type { BalanceRecordPayload, OrderRecordPayload, PositionRecordPayload, TradeRecordPayload } from "@bot-core/core";

type Fields = Readonly<Record<string, unknown>>;

export interface PayloadReader {
  trade(row: Fields): TradeRecordPayload;
  order(row: Fields): OrderRecordPayload;
  position(row: Fields): PositionRecordPayload;
  balance(row: Fields): BalanceRecordPayload;
}

const textOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function payloadReader(store: { idOf: (row: Fields, kind: "trade" | "order") => unknown; time: (stored: unknown) => string }): PayloadReader {
  const { idOf, time } = store;
  return {
    trade: (r) => ({
      tradeId: String(idOf(r, "trade")),
      orderId: String(r.order_id),
      userId: String(r.user_id),
      symbol: String(r.symbol),
      side: r.side as TradeRecordPayload["side"],
      quantity: String(r.quantity),
      price: String(r.price),
      fee: String(r.fee),
      feeAsset: String(r.fee_asset),
      realizedPnl: String(r.realized_pnl),
      time: time(r.entry_time),
      mode: r.mode as TradeRecordPayload["mode"],
    }),
    order: (r) => ({
      orderId: String(idOf(r, "order")),
      userId: String(r.user_id),
      clientOrderId: textOrNull(r.client_order_id),
      symbol: String(r.symbol),
      side: r.side as OrderRecordPayload["side"],
      type: r.type as OrderRecordPayload["type"],
      status: r.status as OrderRecordPayload["status"],
      quantity: String(r.quantity),
      filledQuantity: String(r.filled_quantity),
      price: textOrNull(r.price),
      stopPrice: textOrNull(r.stop_price),
      avgPrice: textOrNull(r.avg_price),
      createdAt: time(r.created_at),
      updatedAt: time(r.updated_at),
    }),
    position: (r) => ({
      userId: String(r.user_id),
      symbol: String(r.symbol),
      side: r.side as PositionRecordPayload["side"],
      quantity: String(r.quantity),
      entryPrice: String(r.entry_price),
      updatedAt: time(r.updated_at),
    }),
    balance: (r) => ({
      userId: String(r.user_id),
      asset: String(r.asset),
      walletBalance: String(r.wallet_balance),
      realizedPnl: String(r.realized_pnl),
      feesPaid: String(r.fees_paid),
      updatedAt: time(r.updated_at),
    }),
  };
}
