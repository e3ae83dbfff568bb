/**
 * One reader for both stores: the same record stored the MongoDB way (ids in `_id`, times as
 * Dates) and the SQLite way (`trade_id`/`order_id`/`analysis_id`, epoch ms) reads back the same
 * through each store's reader. The documents are built by hand here (no MongoDB server can run
 * on these machines); the SQLite side is also read from a real file by the contract suite.
 */
import { describe, expect, it } from "vitest";
import { readDocument as mongo } from "./mongo-store";
import { readRow as sqlite } from "./sqlite-store";

const T = Date.UTC(2025, 0, 31, 12, 0, 0, 250);

describe("payloadReader", () => {
  it("reads a trade and an order alike from either store's form, times as ISO strings", () => {
    const trade = { order_id: "o-1", user_id: "u-1", symbol: "BTCUSDT", side: "buy", quantity: "0.003", price: "64000.5", fee: "0.07", fee_asset: "USDT", realized_pnl: "0", mode: "paper" };
    const expected = { tradeId: "t-1", orderId: "o-1", userId: "u-1", symbol: "BTCUSDT", side: "buy", quantity: "0.003", price: "64000.5", fee: "0.07", feeAsset: "USDT", realizedPnl: "0", time: "2025-01-31T12:00:00.250Z", mode: "paper" };
    expect(mongo.trade({ ...trade, _id: "t-1", entry_time: new Date(T) })).toEqual(expected);
    expect(sqlite.trade({ ...trade, trade_id: "t-1", entry_time: T })).toEqual(expected);
    const order = { user_id: "u-1", client_order_id: null, symbol: "ETHUSDT", side: "sell", type: "limit", status: "new", quantity: "1", filled_quantity: "0", price: "3000", stop_price: null, avg_price: null };
    expect(mongo.order({ ...order, _id: "o-1", created_at: new Date(T), updated_at: new Date(T + 1) })).toEqual(
      sqlite.order({ ...order, order_id: "o-1", created_at: T, updated_at: T + 1 }),
    );
    expect(sqlite.order({ ...order, order_id: "o-1", created_at: T, updated_at: T + 1 })).toMatchObject({ orderId: "o-1", clientOrderId: null, updatedAt: "2025-01-31T12:00:00.251Z" });
    expect(mongo.payload("trade", { ...trade, _id: "t-1", entry_time: new Date(T) })).toEqual(expected);
    expect(sqlite.payload("order", { ...order, order_id: "o-1", created_at: T, updated_at: T })).toMatchObject({ orderId: "o-1" });
  });

  it("reads a candle and an analysis alike from either store's form, times as epoch ms", () => {
    const candle = { symbol: "BTCUSDT", interval: "1m", open: "1", high: "2", low: "0.5", close: "1.5", volume: "10" };
    const expected = { symbol: "BTCUSDT", interval: "1m", openTime: T, closeTime: T + 59_999, open: "1", high: "2", low: "0.5", close: "1.5", volume: "10" };
    expect(mongo.kline({ ...candle, _id: `BTCUSDT:1m:${T}`, timestamp: new Date(T), close_time: new Date(T + 59_999) })).toEqual(expected);
    expect(sqlite.kline({ ...candle, timestamp: T, close_time: T + 59_999 })).toEqual(expected);
    const result = { signal: "buy", confidence: 0.7 };
    expect(mongo.analysis({ _id: "a-1", symbol: "BTCUSDT", user_id: null, timestamp: new Date(T), result })).toEqual({ analysisId: "a-1", symbol: "BTCUSDT", userId: null, timestamp: T, result });
    expect(mongo.analysis({ _id: "a-2", symbol: "BTCUSDT", timestamp: new Date(T), result })).toMatchObject({ userId: null });
    expect(sqlite.analysis({ analysis_id: "a-1", symbol: "BTCUSDT", user_id: "u-1", timestamp: T, result })).toEqual({ analysisId: "a-1", symbol: "BTCUSDT", userId: "u-1", timestamp: T, result });
  });
});
