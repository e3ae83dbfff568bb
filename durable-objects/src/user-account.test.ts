import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { units } from "@bot-core/core";
import { startingBalance, type UserAccount } from "./user-account";

const QUOTE = { price: "64000.05", bid: "64000.00", ask: "64000.10", bidQty: "5", askQty: "5", time: Date.now() };

describe("UserAccount", () => {
  it("opens idempotently and keeps its state across an eviction", async () => {
    const stub = env.USER_ACCOUNT.getByName("user-evict-1");
    const first = await stub.open({ userId: "user-evict-1", createdAt: 1000 });
    const again = await stub.open({ userId: "user-evict-1", createdAt: 2000 });
    expect(again).toEqual(first);
    await evictDurableObject(stub);
    expect(first.ok && (await stub.header())).toEqual(first.ok && first.header);
  });

  it("refuses to be opened for another user", async () => {
    const stub = env.USER_ACCOUNT.getByName("user-owner");
    await stub.open({ userId: "user-owner", createdAt: 1 });
    expect(await stub.open({ userId: "intruder", createdAt: 1 })).toEqual({ ok: false, error: "owned_by_another_user" });
    expect((await stub.header())?.userId).toBe("user-owner");
  });
});

describe("the in-memory ledger", () => {
  it("is dropped with a rolled-back transaction: a fill that fails half-way leaves no trace in balance or positions", async () => {
    const stub = env.USER_ACCOUNT.getByName("user-rollback-1");
    await stub.open({ userId: "user-rollback-1", createdAt: 1 });
    await runInDurableObject(stub, async (account: UserAccount, state: DurableObjectState) => {
      const order = { symbol: "BTCUSDT", side: "buy" as const, type: "market" as const, quantity: "0.01" };
      expect(account.submitOrder({ order, requestHash: "", quote: { ...QUOTE, time: Date.now() }, tradesPerMinute: 100 }).ok).toBe(true);
      const before = await account.account();

      // The next fill throws after it has moved the balance and the position (a failing write).
      const target = account as unknown as { afterFill: (...args: unknown[]) => void };
      const original = target.afterFill;
      target.afterFill = () => {
        throw new Error("disk full");
      };
      expect(() => account.submitOrder({ order, requestHash: "", quote: { ...QUOTE, time: Date.now() }, tradesPerMinute: 100 })).toThrow("disk full");
      target.afterFill = original;

      const after = await account.account();
      expect(after.walletBalance).toBe(before.walletBalance);
      expect(after.positions).toEqual(before.positions);
      const stored = state.storage.sql.exec<{ wallet: string }>("SELECT wallet FROM balances").one();
      expect(BigInt(stored.wallet)).toBe(units(before.walletBalance));
      // And the account keeps trading from the stored truth.
      expect(account.submitOrder({ order, requestHash: "", quote: { ...QUOTE, time: Date.now() }, tradesPerMinute: 100 }).ok).toBe(true);
      expect((await account.account()).positions[0]?.quantity).toBe("0.02");
    });
  });
});

describe("startingBalance", () => {
  it("uses a valid configured amount and falls back to 10,000 USDT otherwise", () => {
    expect(startingBalance("2500.5")).toBe("2500.5");
    for (const bad of [undefined, "", "0", "-5", "1e6", "abc", "10000000000000", "1.123456789"]) expect(startingBalance(bad), String(bad)).toBe("10000");
  });
});
