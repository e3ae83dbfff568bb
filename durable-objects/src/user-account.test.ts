import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { startingBalance } from "./user-account";

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

describe("startingBalance", () => {
  it("uses a valid configured amount and falls back to 10,000 USDT otherwise", () => {
    expect(startingBalance("2500.5")).toBe("2500.5");
    for (const bad of [undefined, "", "0", "-5", "1e6", "abc", "10000000000000", "1.123456789"]) expect(startingBalance(bad), String(bad)).toBe("10000");
  });
});
