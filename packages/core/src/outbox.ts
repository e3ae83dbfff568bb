/**
 * The outbox drain: what a UserAccount Durable Object sends to the bridge's system of record
 * (`POST /v1/records`, bearer BRIDGE_TOKEN). One batch holds 1..500 records of ONE user, each
 * tagged with the id of the outbox row it came from (`outboxId`, increasing per user). One row
 * may carry several records (a fill: its trade, order, position and balance share one
 * outboxId); a row's records must travel in the same batch, because the acknowledgement
 * (`ackedThrough`) covers whole rows.
 *
 * A record's identity is (userId, kind, recordId); `recordId` must be the payload's own key
 * (tradeId, orderId, symbol or asset), so the bridge can upsert without guessing. A higher
 * `outboxId` is a newer version of the same record; the bridge never lets an older one
 * overwrite a newer one. All amounts are decimal strings (never binary floats).
 *
 * @example
 * const batch = OutboxBatch.parse(await request.json());
 * // -> { userId, records: [{ outboxId: 7, kind: "trade", recordId: fill.tradeId, payload: fill, ts }] }
 */
import { z } from "zod";
import { DecimalString } from "./decimal-schema";
import { ORDER_STATUSES } from "./order-state";
import { ALL_ORDER_TYPES } from "./orders";
import { SymbolName } from "./symbols";

export const MAX_OUTBOX_BATCH = 500;
/** Largest request body the bridge accepts for one batch. */
export const MAX_OUTBOX_BODY_BYTES = 1_000_000;

export const RecordId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "must be 1-128 characters of A-Z a-z 0-9 . _ : -");
export const UserIdString = RecordId;

/** An ISO 8601 date-time, normalized to UTC with milliseconds ("2025-01-31T12:00:00.000Z"). */
const IsoTime = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00.000Z" })
  .transform((s) => new Date(s).toISOString());
const NonNegativeDecimal = DecimalString.refine((s) => !s.startsWith("-"), "must not be negative");
const PositiveDecimal = NonNegativeDecimal.refine((s) => /[1-9]/.test(s), "must be greater than zero");
const Side = z.enum(["buy", "sell"]);
const Asset = z.string().regex(/^[A-Z0-9]{2,12}$/, "must be an asset code such as USDT");

/** One fill. */
export const TradeRecordPayload = z.strictObject({
  tradeId: RecordId,
  orderId: RecordId,
  userId: UserIdString,
  symbol: SymbolName,
  side: Side,
  quantity: PositiveDecimal,
  price: PositiveDecimal,
  fee: NonNegativeDecimal,
  feeAsset: Asset,
  realizedPnl: DecimalString,
  time: IsoTime,
  mode: z.enum(["paper", "live"]),
});
export type TradeRecordPayload = z.infer<typeof TradeRecordPayload>;

export const OrderRecordPayload = z.strictObject({
  orderId: RecordId,
  userId: UserIdString,
  clientOrderId: z.string().min(1).max(64).nullable(),
  symbol: SymbolName,
  side: Side,
  type: z.enum(ALL_ORDER_TYPES),
  status: z.enum(ORDER_STATUSES),
  quantity: PositiveDecimal,
  filledQuantity: NonNegativeDecimal,
  price: NonNegativeDecimal.nullable(),
  stopPrice: NonNegativeDecimal.nullable(),
  avgPrice: NonNegativeDecimal.nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type OrderRecordPayload = z.infer<typeof OrderRecordPayload>;

export const PositionRecordPayload = z.strictObject({
  userId: UserIdString,
  symbol: SymbolName,
  side: z.enum(["long", "short", "flat"]),
  quantity: NonNegativeDecimal,
  entryPrice: NonNegativeDecimal,
  updatedAt: IsoTime,
});
export type PositionRecordPayload = z.infer<typeof PositionRecordPayload>;

export const BalanceRecordPayload = z.strictObject({
  userId: UserIdString,
  asset: Asset,
  walletBalance: DecimalString,
  realizedPnl: DecimalString,
  feesPaid: NonNegativeDecimal,
  updatedAt: IsoTime,
});
export type BalanceRecordPayload = z.infer<typeof BalanceRecordPayload>;

const Envelope = {
  outboxId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  recordId: RecordId,
  /** When the DO wrote the outbox row (epoch ms). */
  ts: z.number().int().nonnegative().max(8_640_000_000_000_000),
};

export const OutboxRecord = z
  .discriminatedUnion("kind", [
    z.strictObject({ ...Envelope, kind: z.literal("trade"), payload: TradeRecordPayload }),
    z.strictObject({ ...Envelope, kind: z.literal("order"), payload: OrderRecordPayload }),
    z.strictObject({ ...Envelope, kind: z.literal("position"), payload: PositionRecordPayload }),
    z.strictObject({ ...Envelope, kind: z.literal("balance"), payload: BalanceRecordPayload }),
  ])
  .superRefine((r, ctx) => {
    const key = naturalKey(r);
    if (r.recordId !== key) {
      ctx.addIssue({ code: "custom", path: ["recordId"], message: `must equal the payload's ${KEY_FIELD[r.kind]} (${key})` });
    }
  });
export type OutboxRecord = z.infer<typeof OutboxRecord>;
export type OutboxRecordKind = OutboxRecord["kind"];
export const OUTBOX_RECORD_KINDS = ["trade", "order", "position", "balance"] as const satisfies readonly OutboxRecordKind[];

const KEY_FIELD: Record<OutboxRecordKind, string> = { trade: "tradeId", order: "orderId", position: "symbol", balance: "asset" };

/** The key a record is stored under within its user and kind. */
export function naturalKey(record: OutboxRecord): string {
  switch (record.kind) {
    case "trade":
      return record.payload.tradeId;
    case "order":
      return record.payload.orderId;
    case "position":
      return record.payload.symbol;
    case "balance":
      return record.payload.asset;
  }
}

export const OutboxBatch = z
  .strictObject({
    userId: UserIdString,
    records: z.array(OutboxRecord).min(1).max(MAX_OUTBOX_BATCH),
  })
  .superRefine((batch, ctx) => {
    const seen = new Set<string>();
    batch.records.forEach((r, i) => {
      if (r.payload.userId !== batch.userId) {
        ctx.addIssue({ code: "custom", path: ["records", i, "payload", "userId"], message: "must equal the batch's userId" });
      }
      const key = `${r.outboxId}\u0000${r.kind}\u0000${r.recordId}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["records", i], message: `${r.kind} ${r.recordId} appears twice in outbox row ${r.outboxId}` });
      seen.add(key);
    });
  });
export type OutboxBatch = z.infer<typeof OutboxBatch>;

/** The bridge's answer: the sender may delete every outbox row with id <= `ackedThrough`. */
export const OutboxAck = z.strictObject({
  stored: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  ackedThrough: z.number().int().positive(),
});
export type OutboxAck = z.infer<typeof OutboxAck>;
