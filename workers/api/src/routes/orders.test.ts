import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthResponse, TickerUpdate } from "@bot-core/core";
import { call, register, publishTicker } from "../../test/helpers";

type ErrorBody = { error: { code: string; message: string; details?: { violations?: Array<{ rule: string }> } } };
type Order = { orderId: string; status: string; avgPrice: string; fee: string; quantity: string; side: string };
type Account = { walletBalance: string; equity: string; marginUsed: string; freeMargin: string; openPositions: number; positions: Array<{ symbol: string; side: string; quantity: string; entryPrice: string }> };

async function setPrice(symbol: string, bid: string, ask: string, eventTime = Date.now()): Promise<void> {
  const t: TickerUpdate = { kind: "ticker", symbol, price: ask, bid, ask, bidQty: "5", askQty: "5", eventTime, bridgeTime: Date.now() };
  await publishTicker(t);
}

const order = (user: AuthResponse, body: unknown, headers: Record<string, string> = {}) =>
  call("/api/orders", { method: "POST", json: body, headers: { authorization: `Bearer ${user.accessToken}`, ...headers } });
const get = (user: AuthResponse, path: string) => call(path, { headers: { authorization: `Bearer ${user.accessToken}` } });

beforeAll(async () => {
  await setPrice("BTCUSDT", "64000.00", "64000.10");
  await setPrice("ETHUSDT", "3400.00", "3400.05");
});

describe("POST /api/orders (market, paper)", () => {
  it("fills a buy at the ask, charges the 0.1% fee, opens the position and reserves margin", async () => {
    const user = await register();
    const res = await order(user, { symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.01" });
    expect(res.status).toBe(201);
    expect(res.headers.get("server-timing")).toMatch(/validation;dur=.*price;dur=.*execution;dur=/);
    expect(res.headers.get("ratelimit-limit")).toBe("100");
    expect(Number(res.headers.get("ratelimit-remaining"))).toBeLessThan(100);
    const o = await res.json<Order>();
    expect(o).toMatchObject({ status: "filled", avgPrice: "64000.1", quantity: "0.01", fee: "0.640001" });
    const acct = await (await get(user, "/api/trading/account")).json<Account>();
    expect(acct.walletBalance).toBe("9999.359999"); // 10000 - fee
    expect(acct.marginUsed).toBe("640.001"); // leverage 1
    expect(acct.positions).toEqual([expect.objectContaining({ symbol: "BTCUSDT", side: "long", quantity: "0.01", entryPrice: "64000.1" })]);
    const fetched = await get(user, `/api/orders/${o.orderId}`);
    expect((await fetched.json<Order>()).orderId).toBe(o.orderId);
  });

  it("closes at the bid and realizes the spread as a loss, to the unit", async () => {
    const user = await register();
    await order(user, { symbol: "ETHUSDT", side: "buy", quantity: "1" });
    const close = await order(user, { symbol: "ETHUSDT", side: "sell", quantity: "1" });
    expect(close.status).toBe(201);
    const acct = await (await get(user, "/api/trading/account")).json<Account>();
    // 10000 - 0.05 spread - 3.40005 fee - 3.4 fee
    expect(acct.walletBalance).toBe("9993.14995");
    expect(acct.openPositions).toBe(0);
    expect(acct.marginUsed).toBe("0");
  });

  it("returns the first result for a retried Idempotency-Key and never fills twice", async () => {
    const user = await register();
    const body = { symbol: "BTCUSDT", side: "buy", quantity: "0.001" };
    const first = await order(user, body, { "idempotency-key": "retry-1" });
    const second = await order(user, body, { "idempotency-key": "retry-1" });
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect((await second.json<Order>()).orderId).toBe((await first.json<Order>()).orderId);
    const acct = await (await get(user, "/api/trading/account")).json<Account>();
    expect(acct.positions[0]?.quantity).toBe("0.001");
    const reused = await order(user, { ...body, quantity: "0.002" }, { "idempotency-key": "retry-1" });
    expect(reused.status).toBe(409);
    expect((await reused.json<ErrorBody>()).error.code).toBe("idempotency_key_reused");
  });

  it("never overdraws: 50 concurrent orders against one account meet the burst, trade and margin limits", async () => {
    const user = await register();
    // 0.03 BTC needs ~1,920 USDT margin at leverage 1: 5 fit in 10,000 USDT.
    const results = await Promise.all(Array.from({ length: 50 }, () => order(user, { symbol: "BTCUSDT", side: "buy", quantity: "0.03" })));
    const count = (s: number) => results.filter((r) => r.status === s).length;
    // The burst limit (20/s) admits ~20 requests, the trade limit (10/min) 10 orders of those,
    // and margin 5 of those.
    expect(count(201)).toBe(5);
    expect(count(422)).toBe(5);
    expect(count(429)).toBe(40);
    const rejection = await results.find((r) => r.status === 422)!.json<ErrorBody>();
    expect(rejection.error.details?.violations?.map((v) => v.rule)).toEqual(["FREE_MARGIN"]);
    const limited = results.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1100)); // let the burst bucket refill before reading
    const acct = await (await get(user, "/api/trading/account")).json<Account>();
    expect(Number(acct.freeMargin)).toBeGreaterThanOrEqual(0);
    expect(acct.positions[0]?.quantity).toBe("0.15");
  });

  it("loses nothing when the account's Durable Object is evicted after an order", async () => {
    const user = await register();
    const o = await (await order(user, { symbol: "BTCUSDT", side: "sell", quantity: "0.002" })).json<Order>();
    await evictDurableObject(env.USER_ACCOUNT.getByName(user.user.id));
    const again = await (await get(user, `/api/orders/${o.orderId}`)).json<Order>();
    expect(again).toEqual(o);
    const acct = await (await get(user, "/api/trading/account")).json<Account>();
    expect(acct.positions[0]).toMatchObject({ side: "short", quantity: "0.002" });
  });

  it("names the exchange rule a quantity violates and changes nothing", async () => {
    const user = await register();
    const step = await order(user, { symbol: "BTCUSDT", side: "buy", quantity: "0.000015" });
    expect(step.status).toBe(422);
    expect((await step.json<ErrorBody>()).error.message).toMatch(/LOT_SIZE.stepSize/);
    const small = await order(user, { symbol: "BTCUSDT", side: "buy", quantity: "0.00001" });
    expect((await small.json<ErrorBody>()).error.details?.violations?.map((v) => v.rule)).toEqual(["MIN_NOTIONAL"]);
    const acct = await (await get(user, "/api/trading/account")).json<Account>();
    expect(acct.walletBalance).toBe("10000");
  });

  it("rejects malformed, extra, negative, zero, NaN, huge and unknown input with 4xx and no state change", async () => {
    const user = await register();
    const cases: Array<[unknown, number]> = [
      [{ symbol: "BTCUSDT", side: "buy", quantity: 0.01 }, 400],
      [{ symbol: "BTCUSDT", side: "buy", quantity: "-1" }, 400],
      [{ symbol: "BTCUSDT", side: "buy", quantity: "0" }, 400],
      [{ symbol: "BTCUSDT", side: "buy", quantity: "NaN" }, 400],
      [{ symbol: "BTCUSDT", side: "buy", quantity: "99999999999999999999999" }, 422],
      [{ symbol: "BTCUSDT", side: "buy", quantity: "0.01", admin: true }, 400],
      [{ symbol: "BTCUSDT", quantity: "0.01" }, 400],
      [{ symbol: "NOPEUSDT", side: "buy", quantity: "1" }, 404],
      [{ symbol: "BTCUSDT", side: "buy", quantity: "0.123456789" }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await order(user, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json<ErrorBody>()).error.code, JSON.stringify(body)).toBeTruthy();
    }
    const bad = await call("/api/orders", { method: "POST", headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" }, body: "{oops" });
    expect(bad.status).toBe(400);
    const acct = await (await get(user, "/api/trading/account")).json<Account>();
    expect(acct.walletBalance).toBe("10000");
    expect(await env.USER_ACCOUNT.getByName(user.user.id).eventCount()).toBe(0);
  });

  it("answers another user's order id with 404, not 403", async () => {
    const alice = await register();
    const bob = await register();
    const o = await (await order(alice, { symbol: "BTCUSDT", side: "buy", quantity: "0.001" })).json<Order>();
    expect((await get(bob, `/api/orders/${o.orderId}`)).status).toBe(404);
    expect((await get(bob, "/api/orders/not-an-id")).status).toBe(404);
  });

  it("refuses to fill at a stale price", async () => {
    await setPrice("XRPUSDT", "0.5000", "0.5001", Date.now() - 60_000);
    const user = await register();
    const res = await order(user, { symbol: "XRPUSDT", side: "buy", quantity: "100" });
    expect(res.status).toBe(503);
    expect((await res.json<ErrorBody>()).error.code).toBe("market_data_stale");
  });

  it("serves the spec's older /api/trading/execute path and requires a token", async () => {
    const user = await register();
    const res = await call("/api/trading/execute", { method: "POST", json: { symbol: "BTCUSDT", side: "BUY", quantity: "0.001" }, headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(res.status).toBe(201);
    expect((await call("/api/orders", { method: "POST", json: {} })).status).toBe(401);
    expect((await call("/api/nope")).status).toBe(404);
  });
});

describe("per-user rate limits", () => {
  it("allows 10 orders a minute, then 429 with Retry-After, and replays still answer", async () => {
    const user = await register();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await order(user, { symbol: "BTCUSDT", side: i % 2 ? "sell" : "buy", quantity: "0.001" }, { "idempotency-key": `k-${i}` });
      statuses.push(res.status);
      if (i === 10) {
        expect((await res.json<ErrorBody>()).error.code).toBe("rate_limited");
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      }
    }
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses[10]).toBe(429);
    const replay = await order(user, { symbol: "BTCUSDT", side: "buy", quantity: "0.001" }, { "idempotency-key": "k-0" });
    expect(replay.status).toBe(201);
  });

  it("answers a burst of requests over 20/s with 429 and reports RateLimit headers", async () => {
    const user = await register();
    const first = await get(user, "/api/trading/account");
    expect(first.headers.get("ratelimit-limit")).toBe("100");
    expect(first.headers.get("ratelimit-policy")).toBe("100;w=60, 20;w=1");
    const remainingBefore = Number(first.headers.get("ratelimit-remaining"));
    const burst = await Promise.all(Array.from({ length: 40 }, () => get(user, "/api/trading/account")));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(10);
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.headers.get("ratelimit-remaining")).toBe("0");
    // The burst bucket refills continuously, so compare the lowest count an admitted request saw.
    const admitted = burst.filter((r) => r.status === 200).map((r) => Number(r.headers.get("ratelimit-remaining")));
    expect(Math.min(...admitted)).toBeLessThan(remainingBefore);
  });

  it("counts each user separately", async () => {
    const [a, b] = [await register(), await register()];
    await Promise.all(Array.from({ length: 40 }, () => get(a, "/api/trading/account")));
    expect((await get(b, "/api/trading/account")).status).toBe(200);
  });
});

describe("closing positions", () => {
  const close = (user: AuthResponse, symbol: string) =>
    call(`/api/trading/positions/${symbol}/close`, { method: "POST", headers: { authorization: `Bearer ${user.accessToken}` } });

  it("closes a long with a reduce-only sell of the whole quantity, and then has nothing to close", async () => {
    const user = await register();
    await order(user, { symbol: "BTCUSDT", side: "buy", quantity: "0.01" });
    const res = await close(user, "btcusdt");
    expect(res.status).toBe(201);
    expect(await res.json<Order>()).toMatchObject({ side: "sell", quantity: "0.01", status: "filled" });
    const acct = await (await get(user, "/api/trading/account")).json<Account>();
    expect(acct.openPositions).toBe(0);
    const again = await close(user, "BTCUSDT");
    expect(again.status).toBe(404);
    expect((await again.json<ErrorBody>()).error.code).toBe("no_position");
  });

  it("closes a short with a buy", async () => {
    const user = await register();
    await order(user, { symbol: "ETHUSDT", side: "sell", quantity: "0.5" });
    expect(await (await close(user, "ETHUSDT")).json<Order>()).toMatchObject({ side: "buy", quantity: "0.5" });
  });

  it("is never blocked by the trade limit: risk can always be taken off", async () => {
    const user = await register();
    for (let i = 0; i < 10; i++) expect((await order(user, { symbol: "BTCUSDT", side: "buy", quantity: "0.001" })).status).toBe(201);
    expect((await order(user, { symbol: "BTCUSDT", side: "buy", quantity: "0.001" })).status).toBe(429);
    const res = await close(user, "BTCUSDT");
    expect(res.status).toBe(201);
    expect((await res.json<Order>()).quantity).toBe("0.01");
  });

  it("answers unknown symbols with 404", async () => {
    const user = await register();
    expect((await close(user, "NOPEUSDT")).status).toBe(404);
  });
});

describe("GET /api/trading/history", () => {
  it("lists fills newest first, filtered by symbol and time, with a cursor", async () => {
    const user = await register();
    const t0 = Date.now();
    await order(user, { symbol: "BTCUSDT", side: "buy", quantity: "0.001" });
    await order(user, { symbol: "ETHUSDT", side: "buy", quantity: "0.01" });
    await order(user, { symbol: "BTCUSDT", side: "sell", quantity: "0.001" });
    type History = { trades: Array<{ symbol: string; side: string; price: string; realizedPnl: string }>; nextCursor: string | null };
    const page1 = await (await get(user, "/api/trading/history?symbol=BTCUSDT&limit=1")).json<History>();
    expect(page1.trades).toEqual([expect.objectContaining({ symbol: "BTCUSDT", side: "sell", price: "64000" })]);
    expect(page1.trades[0]?.realizedPnl).toBe("-0.0001"); // bought at the ask, sold at the bid
    const page2 = await (await get(user, `/api/trading/history?symbol=BTCUSDT&limit=1&cursor=${page1.nextCursor}`)).json<History>();
    expect(page2.trades.map((t) => t.side)).toEqual(["buy"]);
    expect(page2.nextCursor).toBeNull();
    const all = await (await get(user, `/api/trading/history?from=${t0}&to=${Date.now()}`)).json<History>();
    expect(all.trades).toHaveLength(3);
    const none = await (await get(user, `/api/trading/history?to=${t0 - 1}`)).json<History>();
    expect(none.trades).toHaveLength(0);
  });

  it("rejects bad filters with 400", async () => {
    const user = await register();
    for (const q of ["limit=101", "limit=0", "from=5&to=1", "symbol=b%24d", "cursor=-1", "extra=1"]) {
      expect((await get(user, `/api/trading/history?${q}`)).status, q).toBe(400);
    }
  });
});

describe("GET /api/orders", () => {
  it("pages newest first with a cursor", async () => {
    const user = await register();
    for (let i = 0; i < 3; i++) await order(user, { symbol: "BTCUSDT", side: i % 2 ? "sell" : "buy", quantity: "0.001" });
    const first = await (await get(user, "/api/orders?limit=2")).json<{ orders: Order[]; nextCursor: string }>();
    expect(first.orders).toHaveLength(2);
    const second = await (await get(user, `/api/orders?limit=2&cursor=${first.nextCursor}`)).json<{ orders: Order[]; nextCursor: string | null }>();
    expect(second.orders).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.orders, ...second.orders].map((o) => o.orderId)).size).toBe(3);
    expect((await get(user, "/api/orders?limit=500")).status).toBe(400);
  });
});
