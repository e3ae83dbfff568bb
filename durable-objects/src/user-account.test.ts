import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";

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
