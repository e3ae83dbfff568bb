/**
 * ONE contract suite, run against both stores: always against the embedded SQLite store (a real
 * file in a temp dir), and against MongoDB when MONGODB_URI is set (a real server; each run uses
 * a fresh database and drops it). No MongoDB server can be installed on these machines and we
 * do not fake one, so without MONGODB_URI the Mongo run is reported as not done, with the reason.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { OutboxRecord, TradeRecordPayload } from "@bot-core/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MONGO_INDEXES, MongoRecordStore } from "./mongo-store";
import { ANALYSIS_TTL_MS, MARKET_DATA_TTL_MS, RecordConflictError, RecordQueryError, type KlineRecord, type RecordStore } from "./record-store";
import { SqliteRecordStore } from "./sqlite-store";
import { balanceRecord, mixedStream, orderRecord, outboxRows, positionRecord, tradeRecord } from "./testing/fixtures";

const ALICE = "user-alice";
const BOB = "user-bob";
const T0 = Date.UTC(2025, 0, 31, 12, 0, 0);

interface Clock {
  t: number;
}

function contract(open: (clock: Clock) => Promise<{ store: RecordStore; dispose(): Promise<void> }>) {
  const clock: Clock = { t: T0 };
  let store: RecordStore;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    clock.t = T0;
    ({ store, dispose } = await open(clock));
  });
  afterEach(async () => {
    await dispose();
  });

  it("stores one record of each kind and returns exactly what was sent", async () => {
    const records = [tradeRecord({ userId: ALICE, outboxId: 1 }), orderRecord({ userId: ALICE, outboxId: 2 }), positionRecord({ userId: ALICE, outboxId: 3 }), balanceRecord({ userId: ALICE, outboxId: 4 })];
    expect(await store.applyOutbox(ALICE, records)).toEqual({ stored: 4, duplicates: 0 });
    for (const r of records) {
      expect(await store.getRecord(ALICE, r.kind, r.recordId)).toEqual({ kind: r.kind, outboxId: r.outboxId, payload: r.payload });
    }
    expect(await store.countRecords()).toEqual({ trade: 1, order: 1, position: 1, balance: 1 });
    expect(await store.getRecord(BOB, "trade", records[0]!.recordId)).toBeNull();
  });

  it("counts a redelivered batch as duplicates and changes nothing", async () => {
    const batch = mixedStream(ALICE, 40);
    // Within the batch, older versions of the same position/balance are superseded up front.
    expect(await store.applyOutbox(ALICE, batch)).toEqual({ stored: 28, duplicates: 12 });
    const before = await store.countRecords();
    expect(await store.applyOutbox(ALICE, batch)).toEqual({ stored: 0, duplicates: 40 });
    expect(await store.countRecords()).toEqual(before);
    // Positions and balances are one row per (user, symbol/asset): their last version won.
    expect(before).toEqual({ trade: 16, order: 8, position: 3, balance: 1 });
    expect((await store.getRecord(ALICE, "balance", "USDT"))!.outboxId).toBe(40);
  });

  it("never lets an older version overwrite a newer one, and lets a newer one in", async () => {
    const v5 = positionRecord({ userId: ALICE, outboxId: 5, quantity: "2" });
    const v3 = positionRecord({ userId: ALICE, outboxId: 3, quantity: "1" });
    const v7 = positionRecord({ userId: ALICE, outboxId: 7, side: "short", quantity: "4" });
    expect(await store.applyOutbox(ALICE, [v5])).toEqual({ stored: 1, duplicates: 0 });
    expect(await store.applyOutbox(ALICE, [v3])).toEqual({ stored: 0, duplicates: 1 });
    expect(await store.getRecord(ALICE, "position", "BTCUSDT")).toMatchObject({ outboxId: 5, payload: { quantity: "2", side: "long" } });
    expect(await store.applyOutbox(ALICE, [v7])).toEqual({ stored: 1, duplicates: 0 });
    expect(await store.getRecord(ALICE, "position", "BTCUSDT")).toMatchObject({ outboxId: 7, payload: { quantity: "4", side: "short" } });

    const order1 = orderRecord({ userId: ALICE, outboxId: 10, orderId: "ord-x", status: "partially_filled", filledQuantity: "0.2" });
    const order2 = orderRecord({ userId: ALICE, outboxId: 11, orderId: "ord-x", status: "filled" });
    await store.applyOutbox(ALICE, [order2]);
    expect(await store.applyOutbox(ALICE, [order1])).toEqual({ stored: 0, duplicates: 1 });
    expect(await store.getRecord(ALICE, "order", "ord-x")).toMatchObject({ outboxId: 11, payload: { status: "filled", filledQuantity: "0.5" } });
  });

  it("stores the records of outbox rows that share one id (a fill: trade, order, position, balance)", async () => {
    const rows = outboxRows(ALICE, 6); // order placed, partial fill, fill — twice
    const records = rows.flat();
    expect(records.filter((r) => r.outboxId === 2).map((r) => r.kind)).toEqual(["trade", "order", "position", "balance"]);
    // 4 trades + 2 orders (3 versions each) + 2 positions... newest versions: BTCUSDT and ETHUSDT, + 1 balance
    expect(await store.applyOutbox(ALICE, records)).toEqual({ stored: 4 + 2 + 2 + 1, duplicates: records.length - 9 });
    expect(await store.getRecord(ALICE, "order", `${ALICE}-ord0`)).toMatchObject({ outboxId: 3, payload: { status: "filled", filledQuantity: "0.5" } });
    expect(await store.getRecord(ALICE, "balance", "USDT")).toMatchObject({ outboxId: 6 });
    // Sent again one row at a time: all duplicates.
    let duplicates = 0;
    for (const row of rows) duplicates += (await store.applyOutbox(ALICE, row)).duplicates;
    expect(duplicates).toBe(records.length);
  });

  it("keeps the newest of several versions in one batch, whatever their order", async () => {
    const newest = balanceRecord({ userId: ALICE, outboxId: 9, walletBalance: "900" });
    const batch = [newest, balanceRecord({ userId: ALICE, outboxId: 8, walletBalance: "800" }), balanceRecord({ userId: ALICE, outboxId: 2, walletBalance: "200" })];
    expect(await store.applyOutbox(ALICE, batch)).toEqual({ stored: 1, duplicates: 2 });
    expect(await store.getRecord(ALICE, "balance", "USDT")).toEqual({ kind: "balance", outboxId: 9, payload: newest.payload });
  });

  it("keys positions and balances per user: two users' BTCUSDT positions do not collide", async () => {
    await store.applyOutbox(ALICE, [positionRecord({ userId: ALICE, outboxId: 50, quantity: "1" })]);
    expect(await store.applyOutbox(BOB, [positionRecord({ userId: BOB, outboxId: 1, quantity: "3" })])).toEqual({ stored: 1, duplicates: 0 });
    expect((await store.getRecord(ALICE, "position", "BTCUSDT"))!.payload).toMatchObject({ quantity: "1" });
    expect((await store.getRecord(BOB, "position", "BTCUSDT"))!.payload).toMatchObject({ quantity: "3" });
  });

  it("refuses a trade id that belongs to another user, leaving that user's record alone", async () => {
    const alices = tradeRecord({ userId: ALICE, outboxId: 1, tradeId: "shared-id" });
    await store.applyOutbox(ALICE, [alices]);
    await expect(store.applyOutbox(BOB, [tradeRecord({ userId: BOB, outboxId: 2, tradeId: "shared-id" })])).rejects.toBeInstanceOf(RecordConflictError);
    expect(await store.getRecord(ALICE, "trade", "shared-id")).toEqual({ kind: "trade", outboxId: 1, payload: alices.payload });
    expect(await store.getRecord(BOB, "trade", "shared-id")).toBeNull();
  });

  it("refuses records of another user than the batch's", async () => {
    await expect(store.applyOutbox(BOB, [tradeRecord({ userId: ALICE, outboxId: 1 })])).rejects.toBeInstanceOf(RecordQueryError);
    expect(await store.countRecords()).toEqual({ trade: 0, order: 0, position: 0, balance: 0 });
  });

  it("pages trades by user and by symbol, newest first, ties broken by id, without gaps or repeats", async () => {
    // 25 trades of Alice in 9 distinct milliseconds (ties), 2 symbols; 5 of Bob.
    const alice: OutboxRecord[] = [];
    for (let i = 1; i <= 25; i++) alice.push(tradeRecord({ userId: ALICE, outboxId: i, tradeId: `a-${String(i).padStart(2, "0")}`, time: T0 + Math.floor(i / 3) * 1000, symbol: i % 4 ? "BTCUSDT" : "ETHUSDT" }));
    await store.applyOutbox(ALICE, alice);
    await store.applyOutbox(BOB, [1, 2, 3, 4, 5].map((i) => tradeRecord({ userId: BOB, outboxId: i, tradeId: `b-${i}`, time: T0 + i * 1000 })));

    const expected = alice
      .map((r) => r.payload as TradeRecordPayload)
      .sort((a, b) => (a.time === b.time ? (a.tradeId < b.tradeId ? 1 : -1) : a.time < b.time ? 1 : -1));
    const seen: TradeRecordPayload[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.tradesByUser(ALICE, { limit: 10, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);

    const exactly = await store.tradesByUser(ALICE, { limit: 25 });
    expect(exactly.items).toHaveLength(25);
    expect(exactly.nextCursor).toBeNull();

    const eth = await store.tradesBySymbol("ETHUSDT", { limit: 100 });
    expect(eth.items.map((t) => t.tradeId)).toEqual(expected.filter((t) => t.symbol === "ETHUSDT").map((t) => t.tradeId));
    const btc = await store.tradesBySymbol("BTCUSDT", { limit: 100 });
    expect(btc.items).toHaveLength(19 + 5); // Alice's 19 + Bob's 5

    const window = await store.tradesByUser(ALICE, { from: T0 + 2000, to: T0 + 4000 });
    expect(window.items.map((t) => t.tradeId)).toEqual(["a-14", "a-13", "a-12", "a-11", "a-10", "a-09", "a-08", "a-07", "a-06"]);
    const windowPage = await store.tradesByUser(ALICE, { from: T0 + 2000, to: T0 + 4000, limit: 4 });
    const windowRest = await store.tradesByUser(ALICE, { from: T0 + 2000, to: T0 + 4000, limit: 10, cursor: windowPage.nextCursor! });
    expect([...windowPage.items, ...windowRest.items].map((t) => t.tradeId)).toEqual(window.items.map((t) => t.tradeId));
  });

  it("rejects a malformed cursor and out-of-range limits", async () => {
    await expect(store.tradesByUser(ALICE, { cursor: "not-a-cursor" })).rejects.toBeInstanceOf(RecordQueryError);
    await expect(store.tradesByUser(ALICE, { cursor: "%%%" })).rejects.toBeInstanceOf(RecordQueryError);
    await expect(store.tradesBySymbol("BTCUSDT", { limit: 0 })).rejects.toBeInstanceOf(RecordQueryError);
    await expect(store.tradesBySymbol("BTCUSDT", { limit: 1001 })).rejects.toBeInstanceOf(RecordQueryError);
  });

  it("lists a user's open positions, balances and orders", async () => {
    await store.applyOutbox(ALICE, [
      positionRecord({ userId: ALICE, outboxId: 1, symbol: "SOLUSDT" }),
      positionRecord({ userId: ALICE, outboxId: 2, symbol: "BTCUSDT", side: "short" }),
      positionRecord({ userId: ALICE, outboxId: 3, symbol: "ETHUSDT", side: "flat" }),
      balanceRecord({ userId: ALICE, outboxId: 4, asset: "USDT" }),
      balanceRecord({ userId: ALICE, outboxId: 5, asset: "BNB", walletBalance: "0.5" }),
      orderRecord({ userId: ALICE, outboxId: 6, createdAt: T0 }),
      orderRecord({ userId: ALICE, outboxId: 7, createdAt: T0 + 10 }),
    ]);
    await store.applyOutbox(BOB, [positionRecord({ userId: BOB, outboxId: 1, symbol: "XRPUSDT" })]);
    expect((await store.positionsByUser(ALICE)).map((p) => [p.symbol, p.side])).toEqual([["BTCUSDT", "short"], ["SOLUSDT", "long"]]);
    expect((await store.balancesByUser(ALICE)).map((b) => [b.asset, b.walletBalance])).toEqual([["BNB", "0.5"], ["USDT", "9999.9231994"]]);
    expect((await store.ordersByUser(ALICE)).map((o) => o.orderId)).toEqual([`${ALICE}-o7`, `${ALICE}-o6`]);
    expect(await store.positionsByUser("nobody")).toEqual([]);
  });

  it("upserts klines by (symbol, interval, open time) and reads the latest of a range, oldest first", async () => {
    const kline = (i: number, close = "100.5"): KlineRecord => ({
      symbol: "BTCUSDT", interval: "1m", openTime: T0 + i * 60_000, closeTime: T0 + i * 60_000 + 59_999, open: "100", high: "101.25", low: "99.5", close, volume: `${i}.5`,
    });
    expect(await store.upsertKlines([0, 1, 2, 3, 4, 5].map((i) => kline(i)))).toBe(6);
    await store.upsertKlines([kline(5, "102"), { ...kline(5), interval: "5m" }, { ...kline(1), symbol: "ETHUSDT" }]);
    expect(await store.klines("BTCUSDT", "1m")).toEqual([0, 1, 2, 3, 4].map((i) => kline(i)).concat(kline(5, "102")));
    expect((await store.klines("BTCUSDT", "1m", { limit: 2 })).map((k) => k.openTime)).toEqual([T0 + 4 * 60_000, T0 + 5 * 60_000]);
    expect((await store.klines("BTCUSDT", "1m", { from: T0 + 60_000, to: T0 + 3 * 60_000 })).map((k) => k.openTime)).toEqual([1, 2, 3].map((i) => T0 + i * 60_000));
    expect(await store.klines("BTCUSDT", "5m")).toHaveLength(1);
    expect(await store.klines("BTCUSDT", "1h")).toEqual([]);
  });

  it("returns the newest unexpired analysis of a symbol, shared or per user, and purges what expired", async () => {
    await store.saveAnalysis({ analysisId: "a1", symbol: "BTCUSDT", userId: null, timestamp: T0 - 10_000, result: { signal: "buy", confidence: 0.71 } });
    await store.saveAnalysis({ analysisId: "a2", symbol: "BTCUSDT", userId: null, timestamp: T0 - 5_000, result: { signal: "hold", levels: { support: "63000.5" } } });
    await store.saveAnalysis({ analysisId: "a3", symbol: "BTCUSDT", userId: ALICE, timestamp: T0 - 1_000, result: { signal: "sell" } });
    expect(await store.latestAnalysis("BTCUSDT")).toEqual({ analysisId: "a2", symbol: "BTCUSDT", userId: null, timestamp: T0 - 5_000, result: { signal: "hold", levels: { support: "63000.5" } } });
    expect(await store.latestAnalysis("BTCUSDT", ALICE)).toMatchObject({ analysisId: "a3" });
    expect(await store.latestAnalysis("ETHUSDT")).toBeNull();

    await store.upsertKlines([
      { symbol: "BTCUSDT", interval: "1d", openTime: T0 - MARKET_DATA_TTL_MS - 86_400_000, closeTime: T0 - MARKET_DATA_TTL_MS - 1, open: "1", high: "1", low: "1", close: "1", volume: "1" },
      { symbol: "BTCUSDT", interval: "1d", openTime: T0 - 86_400_000, closeTime: T0 - 1, open: "2", high: "2", low: "2", close: "2", volume: "2" },
    ]);
    clock.t = T0 - 5_000 + ANALYSIS_TTL_MS + 1; // a1 and a2 are now older than 1 h; a3 is not
    expect(await store.latestAnalysis("BTCUSDT")).toBeNull();
    expect(await store.purgeExpired()).toEqual({ marketData: 1, analysis: 2 });
    expect((await store.klines("BTCUSDT", "1d")).map((k) => k.close)).toEqual(["2"]);
    expect(await store.latestAnalysis("BTCUSDT", ALICE)).toMatchObject({ analysisId: "a3" });
  });
}

describe("RecordStore contract: embedded SQLite", () => {
  contract(async (clock) => {
    const dir = mkdtempSync(path.join(tmpdir(), "records-contract-"));
    const store = SqliteRecordStore.open(path.join(dir, "records.sqlite"), { now: () => clock.t });
    return {
      store,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

const MONGODB_URI = process.env.MONGODB_URI;
if (!MONGODB_URI) {
  console.warn(
    "\n[record-store contract] MongoDB run NOT done: MONGODB_URI is not set. No MongoDB server can be installed on this machine " +
      "(no Debian package; mongodb-memory-server would download a binary) and the suite does not fake one. " +
      "Set MONGODB_URI=mongodb://host:27017 (a real server; the suite creates and drops its own database) to run it.\n",
  );
}

describe.runIf(Boolean(MONGODB_URI))("RecordStore contract: MongoDB (MONGODB_URI)", () => {
  contract(async (clock) => {
    const database = `bot_core_contract_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
    const store = await MongoRecordStore.connect({ uri: MONGODB_URI!, poolSize: 5, database, now: () => clock.t });
    return {
      store,
      dispose: async () => {
        await store.db.dropDatabase();
        await store.close();
      },
    };
  });

  it("creates the spec's indexes exactly (keys, unique, sparse, TTL)", async () => {
    const database = `bot_core_indexes_${process.pid}_${Date.now().toString(36)}`;
    const store = await MongoRecordStore.connect({ uri: MONGODB_URI!, poolSize: 2, database });
    try {
      for (const [collection, specs] of Object.entries(MONGO_INDEXES)) {
        const indexes = await store.db.collection(collection).listIndexes().toArray();
        const found = indexes
          .filter((i) => i.name !== "_id_")
          .map((i) => ({ key: i.key as Record<string, number>, ...(i.unique ? { unique: true } : {}), ...(i.sparse ? { sparse: true } : {}), ...(i.expireAfterSeconds !== undefined ? { expireAfterSeconds: i.expireAfterSeconds as number } : {}) }));
        expect(found, collection).toEqual(expect.arrayContaining(specs.map((s) => ({ ...s }))));
        expect(found, collection).toHaveLength(specs.length);
      }
    } finally {
      await store.db.dropDatabase();
      await store.close();
    }
  });
});
