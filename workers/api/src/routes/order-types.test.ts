/**
 * Limit, stop and stop-limit orders, attached stop-loss / take-profit / trailing stop (OCO), cancel
 * and amend — end to end on workerd: HTTP -> UserAccount -> SymbolHub trigger book -> fires back
 * into the account when a tick crosses.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuthResponse, TickerUpdate } from "@bot-core/core";
import { call, register, publishTicker } from "../../test/helpers";
import { HUB_STATE_INTERVAL_MS } from "../../../../durable-objects/src/market-feed";

type ErrorBody = { error: { code: string; message: string; details?: { violations?: Array<{ rule: string; message: string }> } } };
type Order = {
  orderId: string; status: string; type: string; side: string; quantity: string; filledQuantity: string; price: string | null; stopPrice: string | null;
  avgPrice: string | null; reduceOnly: boolean; parentOrderId: string | null; ocoGroup: string | null; reason: string | null; fee: string; realizedPnl: string;
};
type Account = { walletBalance: string; orderMargin: string; freeMargin: string; marginUsed: string; openPositions: number; openOrders: number; realizedPnl: string; feesPaid: string; positions: Array<{ symbol: string; side: string; quantity: string }> };

let clock = Date.now();
/** Sends one ticker to a symbol's hub, as the market feed does; `high`/`low` make a wick. */
async function tick(symbol: string, q: { price: string; bid?: string; ask?: string; bidQty?: string; askQty?: string; high?: string; low?: string }): Promise<void> {
  clock = Math.max(clock + 1, Date.now());
  const t: TickerUpdate = {
    kind: "ticker", symbol, price: q.price, bid: q.bid ?? q.price, ask: q.ask ?? q.price, bidQty: q.bidQty ?? "100", askQty: q.askQty ?? "100",
    ...(q.high ? { high: q.high } : {}), ...(q.low ? { low: q.low } : {}), eventTime: clock, bridgeTime: clock,
  };
  await publishTicker(t);
}

const auth = (u: AuthResponse) => ({ authorization: `Bearer ${u.accessToken}` });
const place = (u: AuthResponse, body: unknown, headers: Record<string, string> = {}) => call("/api/orders", { method: "POST", json: body, headers: { ...auth(u), ...headers } });
const get = async <T,>(u: AuthResponse, path: string): Promise<T> => (await call(path, { headers: auth(u) })).json<T>();
const cancel = (u: AuthResponse, id: string) => call(`/api/orders/${id}`, { method: "DELETE", headers: auth(u) });
const amend = (u: AuthResponse, id: string, body: unknown) => call(`/api/orders/${id}`, { method: "PATCH", json: body, headers: auth(u) });

async function placed(u: AuthResponse, body: unknown): Promise<Order> {
  const res = await place(u, body);
  if (res.status !== 201) throw new Error(`order refused: ${res.status} ${await res.text()}`);
  return res.json<Order>();
}

/** Polls until the order satisfies `done` (fires are delivered asynchronously by the hub). */
async function until(u: AuthResponse, id: string, done: (o: Order) => boolean, timeoutMs = 3000): Promise<Order> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const o = await get<Order>(u, `/api/orders/${id}`);
    if (done(o) || Date.now() > end) return o;
    await new Promise((r) => setTimeout(r, 20));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 150));
const book = (symbol: string) => env.SYMBOL_HUB.getByName(symbol).triggerBook();

describe("limit orders", () => {
  it("rests below the market, reserves margin, and fills at its price against the shown quantity, partially then fully", async () => {
    await tick("LTCUSDT", { price: "100.00", bid: "99.99", ask: "100.00" });
    const u = await register();
    const o = await placed(u, { symbol: "LTCUSDT", side: "buy", type: "limit", price: "95.00", quantity: "3" });
    expect(o).toMatchObject({ status: "open", price: "95", filledQuantity: "0" });
    const acct = await get<Account>(u, "/api/trading/account");
    expect(acct).toMatchObject({ orderMargin: "285", openOrders: 1, walletBalance: "10000", freeMargin: "9715" });
    expect((await book("LTCUSDT")).some((t) => t.orderId === o.orderId && t.kind === "limit")).toBe(true);

    await tick("LTCUSDT", { price: "96.00", bid: "95.99", ask: "96.00" }); // not crossed
    await settle();
    expect((await get<Order>(u, `/api/orders/${o.orderId}`)).status).toBe("open");

    await tick("LTCUSDT", { price: "94.90", bid: "94.80", ask: "94.90", askQty: "1.2345" }); // shows 1.234 at step 0.001
    const partial = await until(u, o.orderId, (x) => x.status !== "open");
    expect(partial).toMatchObject({ status: "partially_filled", filledQuantity: "1.234", avgPrice: "95" });

    await tick("LTCUSDT", { price: "94.50", bid: "94.40", ask: "94.50", askQty: "10" });
    const full = await until(u, o.orderId, (x) => x.status === "filled");
    expect(full).toMatchObject({ status: "filled", filledQuantity: "3", avgPrice: "95" });
    const after = await get<Account>(u, "/api/trading/account");
    expect(after).toMatchObject({ orderMargin: "0", openOrders: 0, marginUsed: "285" });
    expect(after.positions).toEqual([expect.objectContaining({ symbol: "LTCUSDT", side: "long", quantity: "3" })]);
    expect((await book("LTCUSDT")).some((t) => t.orderId === o.orderId)).toBe(false);
    // Three fills' fees: 0.1% of 285 in total.
    expect(after.feesPaid).toBe("0.285");
  });

  it("takes liquidity at the ask when marketable on arrival; IOC drops the rest, FOK refuses a partial", async () => {
    await tick("DOTUSDT", { price: "7.000", bid: "6.999", ask: "7.000", askQty: "10" });
    const u = await register();
    const marketable = await placed(u, { symbol: "DOTUSDT", side: "buy", type: "limit", price: "7.100", quantity: "4" });
    expect(marketable).toMatchObject({ status: "filled", avgPrice: "7" });
    const ioc = await placed(u, { symbol: "DOTUSDT", side: "buy", type: "limit", price: "7.000", quantity: "25", timeInForce: "IOC" });
    expect(ioc).toMatchObject({ status: "expired", filledQuantity: "10" });
    const fok = await placed(u, { symbol: "DOTUSDT", side: "buy", type: "limit", price: "7.000", quantity: "25", timeInForce: "fok" });
    expect(fok).toMatchObject({ status: "expired", filledQuantity: "0" });
    expect(fok.reason).toMatch(/^FOK: the book shows 10 at 7/);
  });

  it("names the tick size a price violates, and leaves the account untouched", async () => {
    const u = await register();
    const res = await place(u, { symbol: "LTCUSDT", side: "buy", type: "limit", price: "95.005", quantity: "1" });
    expect(res.status).toBe(422);
    const body = await res.json<ErrorBody>();
    expect(body.error.details?.violations).toEqual([{ rule: "PRICE_FILTER.tickSize", message: "price 95.005 is not a multiple of the tick size 0.01" }]);
    expect(await get<Account>(u, "/api/trading/account")).toMatchObject({ walletBalance: "10000", openOrders: 0 });
    expect(await env.USER_ACCOUNT.getByName(u.user.id).eventCount()).toBe(0);
  });
});

describe("stop orders", () => {
  it("refuses a stop that would trigger at once, naming the last price", async () => {
    await tick("AVAXUSDT", { price: "30.00" });
    const u = await register();
    const res = await place(u, { symbol: "AVAXUSDT", side: "sell", type: "stop_market", stopPrice: "31.00", quantity: "1" });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorBody>()).error.message).toMatch(/STOP_PRICE: a sell stop at 31 would trigger immediately: the last price is 30/);
  });

  it("a stop-market arms, triggers when the price reaches it, and fills at the book", async () => {
    await tick("AVAXUSDT", { price: "30.00", bid: "29.99", ask: "30.00" });
    const u = await register();
    const o = await placed(u, { symbol: "AVAXUSDT", side: "buy", type: "stop_market", stopPrice: "31.00", quantity: "2" });
    expect(o.status).toBe("pending_trigger");
    await tick("AVAXUSDT", { price: "31.20", bid: "31.19", ask: "31.21" });
    const filled = await until(u, o.orderId, (x) => x.status === "filled");
    expect(filled).toMatchObject({ status: "filled", avgPrice: "31.21" });
  });

  it("a stop-limit becomes a limit order when triggered and rests until its price", async () => {
    await tick("LINKUSDT", { price: "15.00", bid: "14.99", ask: "15.00" });
    const u = await register();
    const o = await placed(u, { symbol: "LINKUSDT", side: "buy", type: "stop_limit", stopPrice: "15.50", price: "15.40", quantity: "2" });
    await tick("LINKUSDT", { price: "15.60", bid: "15.59", ask: "15.60" }); // triggers; ask above the limit
    const open = await until(u, o.orderId, (x) => x.status === "open");
    expect(open.status).toBe("open");
    expect((await book("LINKUSDT")).find((t) => t.orderId === o.orderId)?.kind).toBe("limit");
    await tick("LINKUSDT", { price: "15.35", bid: "15.34", ask: "15.35" });
    expect(await until(u, o.orderId, (x) => x.status === "filled")).toMatchObject({ avgPrice: "15.4" });
  });
});

describe("attached stop-loss, take-profit and trailing stop (OCO)", () => {
  it("arms both on the fill; the target fires, closes the position exactly, and cancels the stop", async () => {
    await tick("ATOMUSDT", { price: "10.000", bid: "9.999", ask: "10.000" });
    const u = await register();
    const entry = await placed(u, { symbol: "ATOMUSDT", side: "buy", quantity: "10", stopLoss: "9.500", takeProfit: "11.000" });
    expect(entry.status).toBe("filled");
    const children = (await get<{ orders: Order[] }>(u, "/api/orders?open=true")).orders;
    expect(children.map((c) => c.type).sort()).toEqual(["stop_market", "take_profit_market"]);
    expect(children.every((c) => c.reduceOnly && c.parentOrderId === entry.orderId && c.side === "sell" && c.quantity === "10")).toBe(true);
    expect((await book("ATOMUSDT")).filter((t) => t.userId === u.user.id)).toHaveLength(2);

    await tick("ATOMUSDT", { price: "11.050", bid: "11.040", ask: "11.050" });
    const tp = children.find((c) => c.type === "take_profit_market")!;
    const sl = children.find((c) => c.type === "stop_market")!;
    expect(await until(u, tp.orderId, (x) => x.status === "filled")).toMatchObject({ avgPrice: "11.04" });
    expect(await until(u, sl.orderId, (x) => x.status === "canceled")).toMatchObject({ status: "canceled", reason: `OCO: take_profit_market ${tp.orderId} filled` });
    const acct = await get<Account>(u, "/api/trading/account");
    expect(acct.openPositions).toBe(0);
    // (11.04 - 10) x 10 = 10.4 realized; fees 0.1 + 0.1104.
    expect(acct).toMatchObject({ realizedPnl: "10.4", feesPaid: "0.2104", walletBalance: "10010.1896" });
    await settle();
    expect((await book("ATOMUSDT")).filter((t) => t.userId === u.user.id)).toHaveLength(0);
  });

  it("a wick inside one window fires the stop at the stop price even though the price came back", async () => {
    await tick("UNIUSDT", { price: "8.000", bid: "7.999", ask: "8.000" });
    const u = await register();
    const entry = await placed(u, { symbol: "UNIUSDT", side: "buy", quantity: "10", stopLoss: "7.600" });
    const sl = (await get<{ orders: Order[] }>(u, "/api/orders?open=true")).orders.find((o) => o.parentOrderId === entry.orderId)!;
    await tick("UNIUSDT", { price: "7.990", bid: "7.989", ask: "7.990", low: "7.550", high: "8.010" });
    expect(await until(u, sl.orderId, (x) => x.status === "filled")).toMatchObject({ avgPrice: "7.6" });
  });

  it("an armed stop makes its hub see every tick: a dip between two ticks closer than the hub state interval fires it; the fire that empties the book ends that", async () => {
    // Without the hub's `watch`, the feed would hold the dip (latest wins, at most every
    // HUB_STATE_INTERVAL_MS) and hand the hub only the recovery: the stop would never fire.
    await tick("ADAUSDT", { price: "0.4000", bid: "0.3999", ask: "0.4000" });
    const u = await register();
    const entry = await placed(u, { symbol: "ADAUSDT", side: "buy", quantity: "1000", stopLoss: "0.3800" });
    const sl = (await get<{ orders: Order[] }>(u, "/api/orders?open=true")).orders.find((o) => o.parentOrderId === entry.orderId)!;
    expect(sl.status).toBe("pending_trigger");
    await tick("ADAUSDT", { price: "0.3990", bid: "0.3989", ask: "0.3990" });
    await tick("ADAUSDT", { price: "0.3790", bid: "0.3789", ask: "0.3790" });
    await tick("ADAUSDT", { price: "0.3980", bid: "0.3979", ask: "0.3980" });
    expect(await until(u, sl.orderId, (x) => x.status === "filled")).toMatchObject({ status: "filled" });
    expect((await get<Account>(u, "/api/trading/account")).openPositions).toBe(0);

    // The fire emptied the book: the hub stops watching, and a burst reaches it as held state.
    await settle();
    expect(await book("ADAUSDT")).toEqual([]);
    await new Promise((r) => setTimeout(r, HUB_STATE_INTERVAL_MS + 50));
    await tick("ADAUSDT", { price: "0.3970", bid: "0.3969", ask: "0.3970" });
    await tick("ADAUSDT", { price: "0.3960", bid: "0.3959", ask: "0.3960" });
    expect((await env.SYMBOL_HUB.getByName("ADAUSDT").latest())?.price).toBe("0.3970");
  });

  it("a trailing stop follows the price up, never down, and fires on the pullback", async () => {
    await tick("NEARUSDT", { price: "5.000", bid: "4.999", ask: "5.000" });
    const u = await register();
    const entry = await placed(u, { symbol: "NEARUSDT", side: "buy", quantity: "100", trailingStop: { callbackRatePct: "2" } });
    const trailing = (await get<{ orders: Order[] }>(u, "/api/orders?open=true")).orders.find((o) => o.parentOrderId === entry.orderId)!;
    expect(trailing).toMatchObject({ type: "trailing_stop_market", stopPrice: "4.9" });
    const stopOf = async () => (await book("NEARUSDT")).find((t) => t.orderId === trailing.orderId)?.price;
    await tick("NEARUSDT", { price: "5.500", bid: "5.499", ask: "5.500" });
    expect(await stopOf()).toBe("5.39");
    await tick("NEARUSDT", { price: "5.450", bid: "5.449", ask: "5.450" }); // down a little: the stop stays
    expect(await stopOf()).toBe("5.39");
    await tick("NEARUSDT", { price: "5.380", bid: "5.379", ask: "5.380" });
    const fired = await until(u, trailing.orderId, (x) => x.status === "filled");
    expect(fired).toMatchObject({ status: "filled", avgPrice: "5.379", stopPrice: "5.39" });
  });

  it("a manual close cancels the protective orders", async () => {
    await tick("FILUSDT", { price: "4.000", bid: "3.999", ask: "4.000" });
    const u = await register();
    await placed(u, { symbol: "FILUSDT", side: "sell", quantity: "10", stopLoss: "4.200", takeProfit: "3.500" });
    expect((await call("/api/trading/positions/FILUSDT/close", { method: "POST", headers: auth(u) })).status).toBe(201);
    const orders = (await get<{ orders: Order[] }>(u, "/api/orders")).orders.filter((o) => o.parentOrderId);
    expect(orders.map((o) => [o.status, o.reason])).toEqual([
      ["canceled", "the position was closed"],
      ["canceled", "the position was closed"],
    ]);
    await settle();
    expect((await book("FILUSDT")).filter((t) => t.userId === u.user.id)).toHaveLength(0);
  });

  it("refuses a target closer than 1.5x the stop distance, and a stop on the wrong side", async () => {
    await tick("ATOMUSDT", { price: "10.000", bid: "9.999", ask: "10.000" });
    const u = await register();
    const rr = await place(u, { symbol: "ATOMUSDT", side: "buy", quantity: "10", stopLoss: "9.500", takeProfit: "10.500" });
    expect(rr.status).toBe(422);
    expect((await rr.json<ErrorBody>()).error.details?.violations?.map((v) => v.rule)).toEqual(["MIN_RISK_REWARD"]);
    const side = await place(u, { symbol: "ATOMUSDT", side: "buy", quantity: "10", stopLoss: "10.500" });
    expect((await side.json<ErrorBody>()).error.details?.violations?.map((v) => v.rule)).toEqual(["STOP_SIDE"]);
  });

  it("sizes an order by risk when only a stop is given (1% of equity at the stop)", async () => {
    await tick("ATOMUSDT", { price: "10.000", bid: "9.999", ask: "10.000" });
    const u = await register();
    const o = await placed(u, { symbol: "ATOMUSDT", side: "buy", stopLoss: "9.000" });
    // 100 USDT budget / 1 USDT stop distance = 100 ATOM
    expect(o).toMatchObject({ status: "filled", quantity: "100" });
  });

  it("refuses a signal-driven order under the minimum confidence", async () => {
    const u = await register();
    const res = await place(u, { symbol: "ATOMUSDT", side: "buy", quantity: "1", signal: { confidence: 0.65, source: "model-v1" } });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorBody>()).error.details?.violations).toEqual([{ rule: "MIN_CONFIDENCE", message: "signal confidence 0.65 (minimum 0.7)" }]);
  });
});

describe("exactly once", () => {
  it("a stop fires exactly once under concurrent price updates", async () => {
    await tick("APTUSDT", { price: "9.000", bid: "8.999", ask: "9.000" });
    const u = await register();
    const entry = await placed(u, { symbol: "APTUSDT", side: "buy", quantity: "10", stopLoss: "8.500", takeProfit: "10.000" });
    const crossing = Array.from({ length: 25 }, (_, i) => tick("APTUSDT", { price: (8.4 - i * 0.001).toFixed(3), low: "8.300" }));
    await Promise.all(crossing);
    const sl = (await get<{ orders: Order[] }>(u, "/api/orders")).orders.find((o) => o.parentOrderId === entry.orderId && o.type === "stop_market")!;
    await until(u, sl.orderId, (x) => x.status === "filled");
    await settle();
    const history = await get<{ trades: Array<{ orderId: string }> }>(u, "/api/trading/history");
    expect(history.trades.filter((t) => t.orderId === sl.orderId)).toHaveLength(1);
    const acct = await get<Account>(u, "/api/trading/account");
    expect(acct.openPositions).toBe(0);
    expect(acct.openOrders).toBe(0);
  });

  it("a retried fire (same fire number) is applied once", async () => {
    await tick("OPUSDT", { price: "2.0000", bid: "1.9999", ask: "2.0000" });
    const u = await register();
    const o = await placed(u, { symbol: "OPUSDT", side: "buy", type: "limit", price: "1.9000", quantity: "10" });
    const account = env.USER_ACCOUNT.getByName(u.user.id);
    const fire = {
      orderId: o.orderId, version: 1, fireSeq: 1, kind: "limit" as const, price: "1.9",
      tick: { price: "1.85", high: "1.85", low: "1.85", bid: "1.84", ask: "1.85", bidQty: "100", askQty: "100", time: Date.now() },
    };
    const [a, b] = await Promise.all([account.onTrigger(fire), account.onTrigger(fire)]);
    expect([a.stale, b.stale].filter(Boolean)).toHaveLength(1);
    expect(await account.onTrigger(fire)).toMatchObject({ done: true, stale: true });
    expect((await get<{ trades: unknown[] }>(u, "/api/trading/history")).trades).toHaveLength(1);
  });

  it("a Durable Object evicted between the order and its fill loses nothing", async () => {
    await tick("ARBUSDT", { price: "1.0000", bid: "0.9999", ask: "1.0000" });
    const u = await register();
    const o = await placed(u, { symbol: "ARBUSDT", side: "sell", type: "limit", price: "1.0500", quantity: "100", clientOrderId: "evict-me" });
    await evictDurableObject(env.USER_ACCOUNT.getByName(u.user.id));
    await evictDurableObject(env.SYMBOL_HUB.getByName("ARBUSDT"));
    expect((await book("ARBUSDT")).some((t) => t.orderId === o.orderId)).toBe(true);
    await tick("ARBUSDT", { price: "1.0600", bid: "1.0599", ask: "1.0600" });
    expect(await until(u, o.orderId, (x) => x.status === "filled")).toMatchObject({ avgPrice: "1.05", filledQuantity: "100" });
    expect((await get<Account>(u, "/api/trading/account")).positions).toEqual([expect.objectContaining({ symbol: "ARBUSDT", side: "short", quantity: "100" })]);
  });
});

describe("cancel and amend", () => {
  it("cancels a working order, disarms it, and refuses a second cancel", async () => {
    await tick("TRXUSDT", { price: "0.2000", bid: "0.1999", ask: "0.2000" });
    const u = await register();
    const o = await placed(u, { symbol: "TRXUSDT", side: "buy", type: "limit", price: "0.1900", quantity: "100" });
    const res = await cancel(u, o.orderId);
    expect(res.status).toBe(200);
    expect(await res.json<Order>()).toMatchObject({ status: "canceled", reason: "canceled by the user" });
    expect((await book("TRXUSDT")).some((t) => t.orderId === o.orderId)).toBe(false);
    await tick("TRXUSDT", { price: "0.1800", bid: "0.1799", ask: "0.1800" });
    await settle();
    expect((await get<Order>(u, `/api/orders/${o.orderId}`)).status).toBe("canceled");
    const again = await cancel(u, o.orderId);
    expect(again.status).toBe(409);
    expect((await again.json<ErrorBody>()).error.code).toBe("order_not_cancelable");
    expect((await get<Account>(u, "/api/trading/account")).orderMargin).toBe("0");
  });

  it("amends price and quantity; the trigger book gets the new version", async () => {
    await tick("MATICUSDT", { price: "0.5000", bid: "0.4999", ask: "0.5000" });
    const u = await register();
    const o = await placed(u, { symbol: "MATICUSDT", side: "buy", type: "limit", price: "0.4500", quantity: "100" });
    const res = await amend(u, o.orderId, { price: "0.4700", quantity: "200" });
    expect(res.status).toBe(200);
    expect(await res.json<Order>()).toMatchObject({ price: "0.47", quantity: "200", status: "open" });
    expect((await book("MATICUSDT")).find((t) => t.orderId === o.orderId)).toMatchObject({ price: "0.47", version: 2 });
    await tick("MATICUSDT", { price: "0.4650", bid: "0.4649", ask: "0.4650", askQty: "1000" });
    expect(await until(u, o.orderId, (x) => x.status === "filled")).toMatchObject({ avgPrice: "0.47", filledQuantity: "200" });
    const late = await amend(u, o.orderId, { price: "0.4800" });
    expect(late.status).toBe(409);
  });

  it("rejects bad amendments with 4xx and changes nothing", async () => {
    await tick("MATICUSDT", { price: "0.5000", bid: "0.4999", ask: "0.5000" });
    const u = await register();
    const o = await placed(u, { symbol: "MATICUSDT", side: "buy", type: "limit", price: "0.4500", quantity: "100" });
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, "invalid_request"],
      [{ price: "0.45001" }, 422, "amend_rejected"],
      [{ quantity: "-1" }, 400, "invalid_request"],
      [{ stopPrice: "0.4" }, 422, "amend_rejected"],
      [{ price: "0.46", admin: true }, 400, "invalid_request"],
      [{ quantity: "100000000" }, 422, "amend_rejected"],
    ];
    for (const [body, status, code] of cases) {
      const res = await amend(u, o.orderId, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json<ErrorBody>()).error.code, JSON.stringify(body)).toBe(code);
    }
    const bad = await call(`/api/orders/${o.orderId}`, { method: "PATCH", headers: { ...auth(u), "content-type": "application/json" }, body: "{nope" });
    expect(bad.status).toBe(400);
    expect(await get<Order>(u, `/api/orders/${o.orderId}`)).toMatchObject({ price: "0.45", quantity: "100", status: "open" });
  });

  it("answers another user's order id with 404 on cancel and amend", async () => {
    await tick("MATICUSDT", { price: "0.5000", bid: "0.4999", ask: "0.5000" });
    const [alice, bob] = [await register(), await register()];
    const o = await placed(alice, { symbol: "MATICUSDT", side: "buy", type: "limit", price: "0.4500", quantity: "100" });
    expect((await cancel(bob, o.orderId)).status).toBe(404);
    expect((await amend(bob, o.orderId, { price: "0.44" })).status).toBe(404);
    expect((await cancel(bob, "not-an-order")).status).toBe(404);
    expect((await get<Order>(alice, `/api/orders/${o.orderId}`)).status).toBe("open");
  });
});

describe("mark to market", () => {
  it("the account shows unrealized PnL at the hub's current price, and margin checks use it", async () => {
    await tick("BNBUSDT", { price: "600.00", bid: "599.99", ask: "600.00" });
    const u = await register();
    await placed(u, { symbol: "BNBUSDT", side: "buy", quantity: "10" });
    await tick("BNBUSDT", { price: "550.00", bid: "549.99", ask: "550.00" });
    const acct = await get<Account & { unrealizedPnl: string; equity: string }>(u, "/api/trading/account");
    expect(acct.unrealizedPnl).toBe("-500");
    expect(acct.equity).toBe("9494"); // 10000 - 6 fee - 500
    expect(acct.positions[0]).toMatchObject({ symbol: "BNBUSDT", quantity: "10" });
    expect((acct.positions[0] as unknown as { markPrice: string }).markPrice).toBe("550");
  });
});

describe("order request validation", () => {
  it("rejects inconsistent order shapes with 400 naming the field", async () => {
    const u = await register();
    const cases: Array<[unknown, string]> = [
      [{ symbol: "LTCUSDT", side: "buy", type: "limit", quantity: "1" }, "price"],
      [{ symbol: "LTCUSDT", side: "buy", type: "market", price: "95", quantity: "1" }, "price"],
      [{ symbol: "LTCUSDT", side: "buy", type: "stop_market", quantity: "1" }, "stopPrice"],
      [{ symbol: "LTCUSDT", side: "buy", type: "limit", price: "95", quantity: "1", timeInForce: "GTD" }, "timeInForce"],
      [{ symbol: "LTCUSDT", side: "buy", type: "trailing", quantity: "1" }, "type"],
      [{ symbol: "LTCUSDT", side: "buy" }, "quantity"],
      [{ symbol: "LTCUSDT", side: "buy", quantity: "1", reduceOnly: true, stopLoss: "90" }, "reduceOnly"],
      [{ symbol: "LTCUSDT", side: "buy", quantity: "1", trailingStop: { callbackRatePct: "20" } }, "trailingStop"],
      [{ symbol: "LTCUSDT", side: "buy", quantity: "1", signal: { confidence: 2 } }, "signal"],
    ];
    for (const [body, field] of cases) {
      const res = await place(u, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json<ErrorBody>()).error.message, JSON.stringify(body)).toContain(field);
    }
    expect(await get<Account>(u, "/api/trading/account")).toMatchObject({ walletBalance: "10000", openOrders: 0 });
  });
});
