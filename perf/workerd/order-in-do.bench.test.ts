/**
 * In-DO cost of one order: batches of N market orders inside ONE Durable Object invocation
 * (no RPC, HTTP or JSON per order), timed from outside the call, against a baseline in the same
 * run: N raw SQL inserts of the same size in one invocation. workerd's clock does not move
 * during synchronous code, so only whole invocations are timed. Prints one JSON line.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { UserAccount } from "../../durable-objects/src/user-account";

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
  console.log(`ORDER_IN_DO_RESULT ${JSON.stringify({ perBatch: PER_BATCH, orderMs, sqlMs })}`);
});
