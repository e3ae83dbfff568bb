/**
 * Stored rows back into the records they came from: the outbox payloads, candles and analyses.
 * Both stores keep the same snake_case columns (the spec's MongoDB field names); they differ only
 * in where a trade's, order's or analysis's id lives (`_id` in MongoDB, `trade_id`/`order_id`/
 * `analysis_id` in SQLite) and how a time is stored (a Date in MongoDB, epoch ms in SQLite).
 * An analysis's `result` must be an object already (SQLite parses its JSON text first).
 *
 * @example
 * const read = payloadReader({ idOf: (row) => row._id, epochMs: (v) => (v as Date).getTime() });
 * read.trade(doc); // TradeRecordPayload
 */
import type { BalanceRecordPayload, KlineInterval, OrderRecordPayload, OutboxRecordKind, PositionRecordPayload, TradeRecordPayload } from "@bot-core/core";
import { isoFromMs, type AnalysisRecord, type KlineRecord, type RecordPayload } from "./record-store";

type Fields = Readonly<Record<string, unknown>>;

export interface PayloadReader {
  trade(row: Fields): TradeRecordPayload;
  order(row: Fields): OrderRecordPayload;
  position(row: Fields): PositionRecordPayload;
  balance(row: Fields): BalanceRecordPayload;
  /** The payload of an outbox record of `kind`. */
  payload<K extends OutboxRecordKind>(kind: K, row: Fields): RecordPayload<K>;
  kline(row: Fields): KlineRecord;
  analysis(row: Fields): AnalysisRecord;
}

export interface StoredForm {
  /** The id of a trade, order or analysis row. */
  idOf(row: Fields, kind: "trade" | "order" | "analysis"): unknown;
  /** Epoch ms of a stored time. */
  epochMs(stored: unknown): number;
}

const textOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function payloadReader(store: StoredForm): PayloadReader {
  const { idOf, epochMs } = store;
  const time = (stored: unknown) => isoFromMs(epochMs(stored));
  const reader: PayloadReader = {
    payload: (kind, row) => reader[kind](row) as RecordPayload<typeof kind>,
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
    kline: (r) => ({
      symbol: String(r.symbol),
      interval: r.interval as KlineInterval,
      openTime: epochMs(r.timestamp),
      closeTime: epochMs(r.close_time),
      open: String(r.open),
      high: String(r.high),
      low: String(r.low),
      close: String(r.close),
      volume: String(r.volume),
    }),
    analysis: (r) => ({
      analysisId: String(idOf(r, "analysis")),
      symbol: String(r.symbol),
      userId: textOrNull(r.user_id),
      timestamp: epochMs(r.timestamp),
      result: r.result as Record<string, unknown>,
    }),
  };
  return reader;
}
