/**
 * In-DO cost of one order: batches of N market orders inside ONE Durable Object invocation
 * (no RPC, HTTP or JSON per order), timed from outside the call, against a baseline in the same
 * run: N raw SQL inserts of the same size in one invocation. workerd's clock does not move
 * during synchronous code, so only whole invocations are timed. Prints one JSON line.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { eq, sql as dsql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { UserAccount } from "../../durable-objects/src/user-account";

// The same five-statement ledger unit (read balance, insert order, insert fill, update balance,
// append event), once through drizzle's query builder and once as raw SQL, in the same DO.
const benchBalances = sqliteTable("bench_balances", { asset: text("asset").primaryKey(), wallet: text("wallet").notNull() });
const benchOrders = sqliteTable("bench_orders", { id: text("id").primaryKey(), symbol: text("symbol").notNull(), qty: text("qty").notNull(), price: text("price").notNull(), ts: integer("ts").notNull() });
const benchFills = sqliteTable("bench_fills", { id: text("id").primaryKey(), orderId: text("order_id").notNull(), qty: text("qty").notNull(), price: text("price").notNull(), ts: integer("ts").notNull() });
const benchEvents = sqliteTable("bench_events", { seq: integer("seq").primaryKey({ autoIncrement: true }), payload: text("payload").notNull(), ts: integer("ts").notNull() });

// Fixed sizes: inside workerd, process.env holds the Worker's bindings, not the shell's.
const BATCHES = 12;
const PER_BATCH = 500;

it("measures the in-DO cost of a market order", async () => {
  const stub = env.USER_ACCOUNT.getByName("bench-account");
  expect((await stub.open({ userId: "bench-account", createdAt: Date.now() })).ok).toBe(true);
  const orderMs: number[] = [];
  const sqlMs: number[] = [];
  let failures = 0;
  for (let b = 0; b < BATCHES + 2; b++) {
    const t0 = Date.now();
    failures += await runInDurableObject(stub, (account: UserAccount) => {
      let failed = 0;
      for (let i = 0; i < PER_BATCH; i++) {
        const r = account.submitOrder({
          order: { symbol: "BTCUSDT", side: i % 2 ? "sell" : "buy", type: "market", quantity: "0.001" },
          requestHash: "bench",
          quote: { price: "64000.05", bid: "64000.00", ask: "64000.10", bidQty: "5", askQty: "5", time: Date.now() },
          tradesPerMinute: 1e12,
        });
        if (!r.ok) failed++;
      }
      return failed;
    });
    const t1 = Date.now();
    await runInDurableObject(stub, (_account: UserAccount, state: DurableObjectState) => {
      state.storage.sql.exec("CREATE TABLE IF NOT EXISTS bench_rows (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, d INTEGER)");
      for (let i = 0; i < PER_BATCH; i++) {
        state.storage.transactionSync(() => {
          state.storage.sql.exec("INSERT INTO bench_rows (a, b, c, d) VALUES (?, ?, ?, ?)", crypto.randomUUID(), "64000.10", "0.001", i);
        });
      }
    });
    const t2 = Date.now();
    if (b >= 2) {
      // the first two batches warm up the JIT and SQLite
      orderMs.push((t1 - t0) / PER_BATCH);
      sqlMs.push((t2 - t1) / PER_BATCH);
    }
  }
  expect(failures).toBe(0);

  // drizzle vs raw SQL for the same ledger unit.
  const drizzleMs: number[] = [];
  const rawUnitMs: number[] = [];
  await runInDurableObject(stub, (_a: UserAccount, state: DurableObjectState) => {
    state.storage.sql.exec(`CREATE TABLE IF NOT EXISTS bench_balances (asset TEXT PRIMARY KEY, wallet TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS bench_orders (id TEXT PRIMARY KEY, symbol TEXT NOT NULL, qty TEXT NOT NULL, price TEXT NOT NULL, ts INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS bench_fills (id TEXT PRIMARY KEY, order_id TEXT NOT NULL, qty TEXT NOT NULL, price TEXT NOT NULL, ts INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS bench_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL, ts INTEGER NOT NULL);
      INSERT OR IGNORE INTO bench_balances VALUES ('USDT', '1000000000000');`);
  });
  for (let b = 0; b < BATCHES + 2; b++) {
    const t0 = Date.now();
    await runInDurableObject(stub, (_a: UserAccount, state: DurableObjectState) => {
      const db = drizzle(state.storage);
      for (let i = 0; i < PER_BATCH; i++) {
        state.storage.transactionSync(() => {
          const wallet = BigInt(db.select().from(benchBalances).where(eq(benchBalances.asset, "USDT")).get()!.wallet);
          const id = crypto.randomUUID();
          db.insert(benchOrders).values({ id, symbol: "BTCUSDT", qty: "100000", price: "6400010000000", ts: i }).run();
          db.insert(benchFills).values({ id: crypto.randomUUID(), orderId: id, qty: "100000", price: "6400010000000", ts: i }).run();
          db.update(benchBalances).set({ wallet: (wallet - 1n).toString() }).where(eq(benchBalances.asset, "USDT")).run();
          db.insert(benchEvents).values({ payload: dsql`${JSON.stringify({ id, i })}`, ts: i }).run();
        });
      }
    });
    const t1 = Date.now();
    await runInDurableObject(stub, (_a: UserAccount, state: DurableObjectState) => {
      const sql = state.storage.sql;
      for (let i = 0; i < PER_BATCH; i++) {
        state.storage.transactionSync(() => {
          const wallet = BigInt(sql.exec<{ wallet: string }>("SELECT wallet FROM bench_balances WHERE asset = ?", "USDT").one().wallet);
          const id = crypto.randomUUID();
          sql.exec("INSERT INTO bench_orders (id, symbol, qty, price, ts) VALUES (?, ?, ?, ?, ?)", id, "BTCUSDT", "100000", "6400010000000", i);
          sql.exec("INSERT INTO bench_fills (id, order_id, qty, price, ts) VALUES (?, ?, ?, ?, ?)", crypto.randomUUID(), id, "100000", "6400010000000", i);
          sql.exec("UPDATE bench_balances SET wallet = ? WHERE asset = ?", (wallet - 1n).toString(), "USDT");
          sql.exec("INSERT INTO bench_events (payload, ts) VALUES (?, ?)", JSON.stringify({ id, i }), i);
        });
      }
    });
    const t2 = Date.now();
    if (b >= 2) {
      drizzleMs.push((t1 - t0) / PER_BATCH);
      rawUnitMs.push((t2 - t1) / PER_BATCH);
    }
  }
  console.log(`ORDER_IN_DO_RESULT ${JSON.stringify({ perBatch: PER_BATCH, orderMs, sqlMs, drizzleMs, rawUnitMs })}`);
});
