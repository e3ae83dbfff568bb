import { describe, expect, it } from "vitest";
import { MAX_OUTBOX_BATCH, naturalKey, OutboxBatch, OutboxRecord } from "./outbox";

const USER = "0b7c6a2e-1d4f-4f7a-9a57-3c2b9a0e8d11";

const trade = {
  tradeId: "t-1",
  orderId: "o-1",
  userId: USER,
  symbol: "BTCUSDT",
  side: "buy",
  quantity: "0.003",
  price: "64000.5",
  fee: "0.0768006",
  feeAsset: "USDT",
  realizedPnl: "0",
  time: "2025-01-31T12:00:00.000Z",
  mode: "paper",
};
const record = (over: Record<string, unknown> = {}) => ({ outboxId: 1, kind: "trade", recordId: "t-1", payload: trade, ts: 1738324800000, ...over });

describe("OutboxBatch", () => {
  it("accepts one record of each kind and keys each by its payload's own id", () => {
    const batch = OutboxBatch.parse({
      userId: USER,
      records: [
        record(),
        record({
          outboxId: 2,
          kind: "order",
          recordId: "o-1",
          payload: {
            orderId: "o-1", userId: USER, clientOrderId: null, symbol: "btcusdt", side: "buy", type: "market", status: "filled",
            quantity: "0.003", filledQuantity: "0.003", price: null, stopPrice: null, avgPrice: "64000.5",
            createdAt: "2025-01-31T12:00:00.000Z", updatedAt: "2025-01-31T12:00:00.000Z",
          },
        }),
        record({ outboxId: 3, kind: "position", recordId: "BTCUSDT", payload: { userId: USER, symbol: "BTCUSDT", side: "long", quantity: "0.003", entryPrice: "64000.5", updatedAt: "2025-01-31T12:00:00Z" } }),
        record({ outboxId: 4, kind: "balance", recordId: "USDT", payload: { userId: USER, asset: "USDT", walletBalance: "9999.9231994", realizedPnl: "0", feesPaid: "0.0768006", updatedAt: "2025-01-31T12:00:00+00:00" } }),
      ],
    });
    expect(batch.records.map(naturalKey)).toEqual(["t-1", "o-1", "BTCUSDT", "USDT"]);
    // Symbols are normalized to Binance's upper-case form.
    expect(batch.records[1]!.payload).toMatchObject({ symbol: "BTCUSDT" });
    // Times are normalized to UTC with milliseconds, so every store returns the same string.
    expect(batch.records[2]!.payload).toMatchObject({ updatedAt: "2025-01-31T12:00:00.000Z" });
    expect(OutboxRecord.parse(record({ payload: { ...trade, time: "2025-01-31T14:00:00.5+02:00" } })).payload).toMatchObject({ time: "2025-01-31T12:00:00.500Z" });
  });

  it.each([
    ["an empty batch", { userId: USER, records: [] }, "records"],
    ["more than 500 records", { userId: USER, records: Array.from({ length: MAX_OUTBOX_BATCH + 1 }, (_, i) => record({ outboxId: i + 1 })) }, "records"],
    ["an unknown kind", { userId: USER, records: [record({ kind: "deposit" })] }, "records.0.kind"],
    ["a zero outboxId", { userId: USER, records: [record({ outboxId: 0 })] }, "records.0.outboxId"],
    ["a fractional outboxId", { userId: USER, records: [record({ outboxId: 1.5 })] }, "records.0.outboxId"],
    ["a recordId that is not the tradeId", { userId: USER, records: [record({ recordId: "t-2" })] }, "records.0.recordId"],
    ["a float amount", { userId: USER, records: [record({ payload: { ...trade, price: 64000.5 } })] }, "records.0.payload.price"],
    ["an exponent amount", { userId: USER, records: [record({ payload: { ...trade, quantity: "3e-3" } })] }, "records.0.payload.quantity"],
    ["a negative fee", { userId: USER, records: [record({ payload: { ...trade, fee: "-1" } })] }, "records.0.payload.fee"],
    ["a time that is not ISO", { userId: USER, records: [record({ payload: { ...trade, time: "yesterday" } })] }, "records.0.payload.time"],
    ["an unknown payload field", { userId: USER, records: [record({ payload: { ...trade, note: "x" } })] }, "records.0.payload"],
    ["another user's record", { userId: "someone-else", records: [record()] }, "records.0.payload.userId"],
    ["the same record twice in one outbox row", { userId: USER, records: [record(), record()] }, "records.1"],
  ])("rejects %s", (_name, body, path) => {
    const r = OutboxBatch.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("accepts the records of one outbox row sharing its id (a fill: trade, order, position, balance)", () => {
    const row = [
      record({ outboxId: 7 }),
      record({ outboxId: 7, kind: "position", recordId: "BTCUSDT", payload: { userId: USER, symbol: "BTCUSDT", side: "long", quantity: "0.003", entryPrice: "64000.5", updatedAt: "2025-01-31T12:00:00Z" } }),
      record({ outboxId: 8, kind: "position", recordId: "BTCUSDT", payload: { userId: USER, symbol: "BTCUSDT", side: "flat", quantity: "0", entryPrice: "0", updatedAt: "2025-01-31T12:00:01Z" } }),
    ];
    expect(OutboxBatch.safeParse({ userId: USER, records: row }).success).toBe(true);
  });

  it("accepts every order type the edge has, and no other", () => {
    const order = (type: string) => ({
      outboxId: 3, kind: "order", recordId: "o-9", ts: 1,
      payload: {
        orderId: "o-9", userId: USER, clientOrderId: "my-1", symbol: "ETHUSDT", side: "sell", type, status: "pending_trigger", quantity: "1", filledQuantity: "0",
        price: null, stopPrice: "3000", avgPrice: null, createdAt: "2025-01-31T12:00:00.000Z", updatedAt: "2025-01-31T12:00:00.000Z",
      },
    });
    for (const type of ["market", "limit", "stop_market", "stop_limit", "take_profit_market", "trailing_stop_market"]) expect(OutboxRecord.safeParse(order(type)).success, type).toBe(true);
    expect(OutboxRecord.safeParse(order("iceberg")).success).toBe(false);
  });

  it("accepts a negative realized PnL and a flat position at zero", () => {
    expect(OutboxRecord.safeParse(record({ payload: { ...trade, realizedPnl: "-12.5" } })).success).toBe(true);
    const flat = { outboxId: 9, kind: "position", recordId: "ETHUSDT", ts: 1, payload: { userId: USER, symbol: "ETHUSDT", side: "flat", quantity: "0", entryPrice: "0", updatedAt: "2025-01-31T12:00:00Z" } };
    expect(OutboxRecord.safeParse(flat).success).toBe(true);
  });
});
