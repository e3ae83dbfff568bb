/** The timing wrapper on a real SQLite store in a temp dir: every call is timed, a failed write is logged. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { instrumentRecordStore } from "./instrumented-store";
import { RecordConflictError, type RecordStoreKind } from "./record-store";
import { SqliteRecordStore } from "./sqlite-store";
import { tradeRecord } from "./testing/fixtures";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "records-instrumented-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const observed: { store: RecordStoreKind; collection: string; operation: string; ms: number }[] = [];
  const lines: string[] = [];
  const inner = SqliteRecordStore.open(path.join(dir, "records.sqlite"));
  const store = instrumentRecordStore(inner, {
    metrics: { observeQuery: (s, collection, operation, ms) => observed.push({ store: s, collection, operation, ms }) },
    log: createLogger({ write: (l) => lines.push(l) }),
  });
  return { store, inner, observed, logged: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("instrumentRecordStore", () => {
  it("times reads and writes by store, collection and operation, and passes results through unchanged", async () => {
    const { store, observed } = setup();
    expect(store.kind).toBe("sqlite");
    expect(await store.applyOutbox("u1", [tradeRecord({ userId: "u1", outboxId: 1 }), tradeRecord({ userId: "u1", outboxId: 2 })])).toEqual({ stored: 2, duplicates: 0 });
    expect((await store.tradesByUser("u1")).items.map((t) => t.tradeId)).toEqual(["u1-t2", "u1-t1"]);
    expect((await store.getRecord("u1", "trade", "u1-t1"))?.outboxId).toBe(1);
    expect(await store.klines("BTCUSDT", "1m")).toEqual([]);
    await store.close();
    expect(observed.map((o) => [o.store, o.collection, o.operation])).toEqual([
      ["sqlite", "outbox", "applyOutbox"],
      ["sqlite", "trades", "tradesByUser"],
      ["sqlite", "trades", "getRecord"],
      ["sqlite", "market_data", "klines"],
    ]);
    for (const o of observed) expect(o.ms).toBeGreaterThanOrEqual(0);
  });

  it("logs a failed write as a degradation event (store, collection, operation, records, error) and rethrows it", async () => {
    const { store, inner, observed, logged } = setup();
    await inner.close(); // a real failure: the database is closed under the wrapper
    await expect(store.applyOutbox("u1", [tradeRecord({ userId: "u1", outboxId: 1 })])).rejects.toThrow();
    expect(logged()).toContainEqual(
      expect.objectContaining({ level: "error", msg: "record store write failed", event: "record_store_write_failed", store: "sqlite", collection: "outbox", operation: "applyOutbox", records: 1, err: expect.objectContaining({ message: expect.any(String) }) }),
    );
    expect(observed.find((o) => o.operation === "applyOutbox")).toBeDefined();
  });

  it("does not log a caller's refusal (a record id of another user) as a store failure", async () => {
    const { store, logged } = setup();
    await store.applyOutbox("u1", [tradeRecord({ userId: "u1", outboxId: 1, tradeId: "shared-id" })]);
    await expect(store.applyOutbox("u2", [tradeRecord({ userId: "u2", outboxId: 1, tradeId: "shared-id" })])).rejects.toBeInstanceOf(RecordConflictError);
    expect(logged().filter((l) => l.msg === "record store write failed")).toEqual([]);
    await store.close();
  });
});
