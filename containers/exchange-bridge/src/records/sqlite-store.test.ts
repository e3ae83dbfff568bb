/** What only the embedded store promises: the file, WAL, migrations, atomic batches, no stderr noise. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecordConflictError } from "./record-store";
import { openSqlite } from "./sqlite-driver";
import { MIGRATIONS, migrate, schemaVersion } from "./sqlite-migrations";
import { SqliteRecordStore } from "./sqlite-store";
import { mixedStream, tradeRecord } from "./testing/fixtures";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "records-sqlite-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("SqliteRecordStore", () => {
  it("creates its directory and one WAL-mode file at the current schema version", async () => {
    const file = path.join(dir, "nested", "records.sqlite");
    const store = SqliteRecordStore.open(file);
    await store.applyOutbox("u1", mixedStream("u1", 5));
    await store.close();
    expect(existsSync(file)).toBe(true);
    const db = openSqlite(file);
    expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.prepare("PRAGMA synchronous").get()).toEqual({ synchronous: 2 }); // FULL
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it("keeps every record across a close and reopen, and migrating again is a no-op", async () => {
    const file = path.join(dir, "records.sqlite");
    const batch = mixedStream("u1", 50);
    const first = SqliteRecordStore.open(file);
    await first.applyOutbox("u1", batch);
    const counts = await first.countRecords();
    await first.close();

    const db = openSqlite(file);
    expect(migrate(db)).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length });
    db.close();

    const second = SqliteRecordStore.open(file);
    expect(await second.countRecords()).toEqual(counts);
    expect(await second.applyOutbox("u1", batch)).toEqual({ stored: 0, duplicates: 50 });
    await second.close();
  });

  it("applies migrations in order, each once, and refuses a file from a newer bridge", () => {
    const file = path.join(dir, "m.sqlite");
    const db = openSqlite(file);
    const steps = ["CREATE TABLE a (x INTEGER)", "ALTER TABLE a ADD COLUMN y TEXT", "CREATE INDEX a_y ON a (y)"];
    expect(migrate(db, steps.slice(0, 1))).toEqual({ from: 0, to: 1 });
    expect(migrate(db, steps)).toEqual({ from: 1, to: 3 });
    expect(migrate(db, steps)).toEqual({ from: 3, to: 3 });
    expect(() => migrate(db, steps.slice(0, 2))).toThrow(/schema version 3, newer than this bridge knows \(2\)/);
    db.close();
  });

  it("rolls a failing migration back, leaving the version where it was", () => {
    const db = openSqlite(path.join(dir, "bad.sqlite"));
    expect(() => migrate(db, ["CREATE TABLE a (x INTEGER)", "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1)"])).toThrow(/nowhere/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it("applies a batch atomically: a conflict in it leaves none of its records stored", async () => {
    const store = SqliteRecordStore.open(path.join(dir, "records.sqlite"));
    await store.applyOutbox("alice", [tradeRecord({ userId: "alice", outboxId: 1, tradeId: "taken" })]);
    const bobs = [tradeRecord({ userId: "bob", outboxId: 1 }), tradeRecord({ userId: "bob", outboxId: 2, tradeId: "taken" }), tradeRecord({ userId: "bob", outboxId: 3 })];
    await expect(store.applyOutbox("bob", bobs)).rejects.toBeInstanceOf(RecordConflictError);
    expect(await store.countRecords()).toMatchObject({ trade: 1 });
    expect(await store.getRecord("bob", "trade", bobs[0]!.recordId)).toBeNull();
    await store.close();
  });

  it("refuses to work after close", async () => {
    const store = SqliteRecordStore.open(path.join(dir, "records.sqlite"));
    await store.close();
    await expect(store.countRecords()).rejects.toThrow(/closed/);
  });
});

describe("openSqlite", () => {
  it("loads node:sqlite without printing Node's ExperimentalWarning, and leaves other warnings alone", () => {
    const driver = fileURLToPath(new URL("./sqlite-driver.ts", import.meta.url));
    const script = `
      const { openSqlite } = await import(${JSON.stringify(driver)});
      openSqlite(":memory:").close();
      process.emitWarning("still shown", "ExperimentalWarning");
    `;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", cwd: fileURLToPath(new URL("../..", import.meta.url)), env: { PATH: process.env.PATH ?? "" } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/SQLite/);
    expect(r.stderr).toMatch(/ExperimentalWarning: still shown/);
  });
});
