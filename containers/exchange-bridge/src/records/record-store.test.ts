import type { TradeRecordPayload } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, isoFromMs, newestPerRecord, pageLimit, pageOfTrades, RecordQueryError, userBatch } from "./record-store";
import { balanceRecord, tradeRecord } from "./testing/fixtures";

describe("isoFromMs", () => {
  it("matches Date#toISOString over the whole 4-digit-year range, at day edges and across cached days", () => {
    const samples = [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, -62_167_219_200_000, 253_402_300_799_999, Date.UTC(2025, 0, 31, 23, 59, 59, 999), 951_782_400_000];
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      samples.push(Math.floor((x / 2 ** 31) * 4e12) - 1e12, Date.UTC(2025, 0, 31) + (x % 86_400_000));
    }
    for (const ms of samples) expect(isoFromMs(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it("falls back to Date outside 0000-9999 (and throws like it on NaN)", () => {
    expect(isoFromMs(253_402_300_800_000)).toBe("+010000-01-01T00:00:00.000Z");
    expect(() => isoFromMs(Number.NaN)).toThrow(RangeError);
  });
});

describe("cursors and limits", () => {
  it("round-trips a cursor and refuses anything else", () => {
    const c = { time: Date.UTC(2025, 0, 31), tradeId: "u-1:t.9_x" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(encodeCursor({ time: -5, tradeId: "a" }))).toEqual({ time: -5, tradeId: "a" });
    for (const bad of ["", "!!", Buffer.from("12:").toString("base64url"), Buffer.from("x:1").toString("base64url"), Buffer.from("1:a b").toString("base64url")]) {
      expect(() => decodeCursor(bad), bad).toThrow(RecordQueryError);
    }
  });

  it("accepts limits 1..1000 with a default of 100", () => {
    expect(pageLimit(undefined)).toBe(100);
    expect(pageLimit(1000)).toBe(1000);
    for (const bad of [0, 1001, 2.5, Number.NaN]) expect(() => pageLimit(bad)).toThrow(RecordQueryError);
  });
});

describe("newestPerRecord", () => {
  it("keeps the highest outboxId per (kind, recordId), in outboxId order", () => {
    const records = [balanceRecord({ userId: "u", outboxId: 5 }), tradeRecord({ userId: "u", outboxId: 2 }), balanceRecord({ userId: "u", outboxId: 9 }), balanceRecord({ userId: "u", outboxId: 1 })];
    const { records: kept, superseded } = newestPerRecord(records);
    expect(kept.map((r) => r.outboxId)).toEqual([2, 9]);
    expect(superseded).toBe(2);
  });
});

describe("userBatch", () => {
  it("refuses a record of another user, and counts superseded and unwritten records as duplicates", () => {
    expect(() => userBatch("u", [tradeRecord({ userId: "u", outboxId: 1 }), tradeRecord({ userId: "v", outboxId: 2 })])).toThrow(RecordQueryError);
    const batch = userBatch("u", [balanceRecord({ userId: "u", outboxId: 5 }), tradeRecord({ userId: "u", outboxId: 2 }), balanceRecord({ userId: "u", outboxId: 9 })]);
    expect(batch.records.map((r) => r.outboxId)).toEqual([2, 9]);
    expect(batch.result(2)).toEqual({ stored: 2, duplicates: 1 });
    expect(batch.result(0)).toEqual({ stored: 0, duplicates: 3 });
  });
});

describe("pageOfTrades", () => {
  const rows = [3, 2, 1].map((i) => tradeRecord({ userId: "u", outboxId: i }).payload as TradeRecordPayload);
  it("shows `limit` rows and a cursor at the last one only when an extra row came back", () => {
    const page = pageOfTrades(rows, 2, (p) => p);
    expect(page.items.map((t) => t.tradeId)).toEqual(["u-t3", "u-t2"]);
    expect(decodeCursor(page.nextCursor!)).toEqual({ time: Date.parse(rows[1]!.time), tradeId: "u-t2" });
    expect(pageOfTrades(rows, 3, (p) => p)).toEqual({ items: rows, nextCursor: null });
    expect(pageOfTrades([], 3, (p) => p)).toEqual({ items: [], nextCursor: null });
  });
});
