/** Outbox records for tests and benchmarks, parsed with the real schema (so they are valid by construction). */
import { OutboxRecord, type OutboxRecordKind } from "@bot-core/core";

const BASE_TIME = Date.UTC(2025, 0, 31, 12, 0, 0);

export interface TradeOptions {
  readonly userId: string;
  readonly outboxId: number;
  readonly tradeId?: string;
  readonly symbol?: string;
  /** Epoch ms of the fill (default: 2025-01-31T12:00Z + outboxId seconds). */
  readonly time?: number;
  readonly price?: string;
  readonly quantity?: string;
}

export function tradeRecord(o: TradeOptions): OutboxRecord {
  const tradeId = o.tradeId ?? `${o.userId}-t${o.outboxId}`;
  const time = o.time ?? BASE_TIME + o.outboxId * 1000;
  return OutboxRecord.parse({
    outboxId: o.outboxId,
    kind: "trade",
    recordId: tradeId,
    ts: time,
    payload: {
      tradeId,
      orderId: `${o.userId}-o${o.outboxId}`,
      userId: o.userId,
      symbol: o.symbol ?? "BTCUSDT",
      side: o.outboxId % 2 ? "buy" : "sell",
      quantity: o.quantity ?? "0.003",
      price: o.price ?? `64000.${o.outboxId % 100}`,
      fee: "0.0768006",
      feeAsset: "USDT",
      realizedPnl: o.outboxId % 2 ? "0" : "-1.25",
      time: new Date(time).toISOString(),
      mode: "paper",
    },
  });
}

export function orderRecord(o: { userId: string; outboxId: number; orderId?: string; status?: string; filledQuantity?: string; createdAt?: number }): OutboxRecord {
  const orderId = o.orderId ?? `${o.userId}-o${o.outboxId}`;
  const createdAt = new Date(o.createdAt ?? BASE_TIME + o.outboxId * 1000).toISOString();
  return OutboxRecord.parse({
    outboxId: o.outboxId,
    kind: "order",
    recordId: orderId,
    ts: BASE_TIME + o.outboxId * 1000,
    payload: {
      orderId,
      userId: o.userId,
      clientOrderId: o.outboxId % 2 ? `client-${o.outboxId}` : null,
      symbol: "ETHUSDT",
      side: "buy",
      type: "market",
      status: o.status ?? "filled",
      quantity: "0.5",
      filledQuantity: o.filledQuantity ?? "0.5",
      price: null,
      stopPrice: null,
      avgPrice: "3200.12",
      createdAt,
      updatedAt: new Date(BASE_TIME + o.outboxId * 1000 + 5).toISOString(),
    },
  });
}

export function positionRecord(o: { userId: string; outboxId: number; symbol?: string; side?: "long" | "short" | "flat"; quantity?: string }): OutboxRecord {
  const symbol = o.symbol ?? "BTCUSDT";
  const side = o.side ?? "long";
  return OutboxRecord.parse({
    outboxId: o.outboxId,
    kind: "position",
    recordId: symbol,
    ts: BASE_TIME + o.outboxId * 1000,
    payload: {
      userId: o.userId,
      symbol,
      side,
      quantity: o.quantity ?? (side === "flat" ? "0" : "0.003"),
      entryPrice: side === "flat" ? "0" : "64000.5",
      updatedAt: new Date(BASE_TIME + o.outboxId * 1000).toISOString(),
    },
  });
}

export function balanceRecord(o: { userId: string; outboxId: number; asset?: string; walletBalance?: string }): OutboxRecord {
  const asset = o.asset ?? "USDT";
  return OutboxRecord.parse({
    outboxId: o.outboxId,
    kind: "balance",
    recordId: asset,
    ts: BASE_TIME + o.outboxId * 1000,
    payload: {
      userId: o.userId,
      asset,
      walletBalance: o.walletBalance ?? "9999.9231994",
      realizedPnl: "-1.25",
      feesPaid: "0.0768006",
      updatedAt: new Date(BASE_TIME + o.outboxId * 1000).toISOString(),
    },
  });
}

/** A deterministic mixed stream for one user: mostly trades, with order, position and balance updates. */
export function mixedStream(userId: string, count: number, firstOutboxId = 1): OutboxRecord[] {
  const out: OutboxRecord[] = [];
  for (let i = 0; i < count; i++) {
    const outboxId = firstOutboxId + i;
    const kind: OutboxRecordKind = (["trade", "trade", "order", "position", "balance"] as const)[i % 5]!;
    if (kind === "trade") out.push(tradeRecord({ userId, outboxId }));
    else if (kind === "order") out.push(orderRecord({ userId, outboxId }));
    else if (kind === "position") out.push(positionRecord({ userId, outboxId, symbol: ["BTCUSDT", "ETHUSDT", "SOLUSDT"][i % 3]!, quantity: `0.00${(i % 9) + 1}` }));
    else out.push(balanceRecord({ userId, outboxId, walletBalance: `${10000 - i}.5` }));
  }
  return out;
}

/**
 * Outbox rows as the UserAccount DO writes them: a fill is ONE row whose trade, order, position
 * and balance records share the row's id; placing a resting order is a row with just the order.
 * Orders are filled in two parts, so an order record gets several versions.
 */
export function outboxRows(userId: string, count: number, firstOutboxId = 1): OutboxRecord[][] {
  const rows: OutboxRecord[][] = [];
  for (let i = 0; i < count; i++) {
    const outboxId = firstOutboxId + i;
    const orderNo = Math.floor(i / 3);
    const orderId = `${userId}-ord${orderNo}`;
    const symbol = ["BTCUSDT", "ETHUSDT", "SOLUSDT"][orderNo % 3]!;
    const step = i % 3; // 0: order placed, 1: partial fill, 2: final fill
    const createdAt = BASE_TIME + (firstOutboxId + orderNo * 3) * 1000;
    if (step === 0) {
      rows.push([orderRecord({ userId, outboxId, orderId, status: "open", filledQuantity: "0", createdAt })]);
      continue;
    }
    rows.push([
      tradeRecord({ userId, outboxId, symbol, quantity: "0.25" }),
      orderRecord({ userId, outboxId, orderId, status: step === 1 ? "partially_filled" : "filled", filledQuantity: step === 1 ? "0.25" : "0.5", createdAt }),
      positionRecord({ userId, outboxId, symbol, quantity: `0.${outboxId}` }),
      balanceRecord({ userId, outboxId, walletBalance: `${10_000 - outboxId}.25` }),
    ]);
  }
  return rows;
}
