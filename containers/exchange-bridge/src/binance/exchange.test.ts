/**
 * The Binance adapter against the fake Binance (real HTTP and WebSocket on 127.0.0.1). Binance's
 * network is the only thing replaced; the fake checks signatures, timestamps and limits itself.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ApiCredentials } from "../exchange/credentials";
import { BannedError, ExchangeUnavailableError, InvalidOrderError, OrderStatusUnknownError, RateLimitedError, VenueRejectedError } from "../exchange/errors";
import type { AccountEvent } from "../exchange/port";
import { createLogger, type Logger } from "../log";
import { startFakeBinance, type FakeBinance } from "../testing/fake-binance";
import { waitFor } from "../testing/fake-edge";
import { CircuitBreaker } from "./circuit-breaker";
import { createBinanceExchange, toExchangeOrder, type BinanceExchange } from "./exchange";
import rest from "./fixtures/rest.json";
import { RequestBudget, SPOT_LIMITS } from "./rate-limits";

const KEY = "fake-api-key-0123456789abcdef";
const SECRET = "fake-api-secret-0123456789abcdef";

let fake: FakeBinance | undefined;
let exchange: BinanceExchange | undefined;
afterEach(async () => {
  await exchange?.stop();
  await fake?.close();
  fake = exchange = undefined;
});

function logger(lines: string[] = []): Logger {
  return createLogger({ level: "debug", write: (l) => lines.push(l), redact: [SECRET] });
}

async function setup(options: { market?: "spot" | "usdm"; secret?: string; recvWindow?: number; orderTimeoutMs?: number; breaker?: CircuitBreaker; userStream?: boolean; lines?: string[]; now?: () => number } = {}) {
  fake = await startFakeBinance({ accounts: [{ apiKey: KEY, secret: SECRET }], market: options.market ?? "spot" });
  exchange = createBinanceExchange({
    market: options.market ?? "spot",
    restUrl: fake.url,
    wsUrl: options.userStream ? fake.wsUrl : undefined,
    credentials: new ApiCredentials(KEY, options.secret ?? SECRET),
    recvWindow: options.recvWindow ?? 300,
    orderTimeoutMs: options.orderTimeoutMs ?? 400,
    breaker: options.breaker,
    budget: new RequestBudget({ limits: SPOT_LIMITS }),
    now: options.now,
    log: logger(options.lines),
  });
  await exchange.start();
  return { fake, exchange };
}

const limitBuy = (clientOrderId: string) => ({ symbol: "BNBUSDT", side: "BUY" as const, type: "LIMIT" as const, quantity: "1", price: "25.35", timeInForce: "GTC" as const, clientOrderId });

describe("BinanceExchange: documented payloads", () => {
  it("maps the documented order responses (ACK-less RESULT/FULL, query, cancel) to ExchangeOrder", () => {
    expect(toExchangeOrder(rest.orderResult)).toEqual({
      symbol: "BTCUSDT",
      orderId: "28",
      clientOrderId: "6gCrw2kRUAF9CvJDGP16IP",
      side: "SELL",
      type: "MARKET",
      status: "FILLED",
      price: "0.00000000",
      quantity: "10.00000000",
      executedQty: "10.00000000",
      cumulativeQuoteQty: "10.00000000",
      updateTime: 1507725176595,
    });
    expect(toExchangeOrder(rest.orderFull).status).toBe("FILLED");
    expect(toExchangeOrder(rest.queryOrder)).toMatchObject({ orderId: "1", status: "NEW", updateTime: 1499827319559, price: "0.1" });
    expect(toExchangeOrder(rest.cancelOrder)).toMatchObject({ orderId: "4", status: "CANCELED", clientOrderId: "cancelMyOrder1" });
    expect(() => toExchangeOrder(rest.orderAck)).toThrow(); // ACK has no status: we always ask for RESULT
  });
});

describe("BinanceExchange against the fake Binance", () => {
  it("places a signed order the fake accepts, and the secret never reaches the log", async () => {
    const lines: string[] = [];
    const { fake, exchange } = await setup({ lines });
    const order = await exchange.placeOrder(limitBuy("c-1"));
    expect(order).toMatchObject({ symbol: "BNBUSDT", clientOrderId: "c-1", status: "NEW", price: "25.35", quantity: "1" });
    const [post] = fake.calls("/api/v3/order", "POST");
    expect(post).toMatchObject({ status: 200, apiKey: KEY });
    expect(post!.params).toMatchObject({ symbol: "BNBUSDT", newClientOrderId: "c-1", recvWindow: "300", newOrderRespType: "RESULT" });
    expect(post!.params.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(await exchange.queryOrder({ symbol: "BNBUSDT", orderId: order.orderId })).toMatchObject({ clientOrderId: "c-1" });
    expect((await exchange.openOrders("BNBUSDT")).map((o) => o.clientOrderId)).toEqual(["c-1"]);
    expect(await exchange.cancelOrder({ symbol: "BNBUSDT", clientOrderId: "c-1" })).toMatchObject({ status: "CANCELED" });
    expect(await exchange.openOrders()).toEqual([]);
    expect(await exchange.balances()).toContainEqual({ asset: "USDT", free: "10000.00000000", locked: "0.00000000" });
    expect(lines.join("\n")).not.toContain(SECRET);
  });

  it("a wrong secret is refused by the fake's signature check (-1022)", async () => {
    const { exchange } = await setup({ secret: "not-the-right-secret-0123456789" });
    const err = await exchange.placeOrder(limitBuy("c-2")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueRejectedError);
    expect((err as VenueRejectedError).venueCode).toBe(-1022);
  });

  it("checks LOT_SIZE, PRICE_FILTER and NOTIONAL before sending anything", async () => {
    const { fake, exchange } = await setup();
    await expect(exchange.placeOrder({ ...limitBuy("f-1"), quantity: "1.0001" })).rejects.toThrow(/stepSize/);
    await expect(exchange.placeOrder({ ...limitBuy("f-2"), price: "25.3500001" })).rejects.toThrow(/tickSize/);
    await expect(exchange.placeOrder({ ...limitBuy("f-3"), price: "1", quantity: "1" })).rejects.toThrow(/below the minimum 10/);
    await expect(exchange.placeOrder({ ...limitBuy("f-4"), symbol: "DOGEUSDT" })).rejects.toBeInstanceOf(InvalidOrderError);
    await expect(exchange.placeOrder({ ...limitBuy("f-5"), quantity: 1 } as never)).rejects.toBeInstanceOf(InvalidOrderError);
    expect(fake.calls("/api/v3/order")).toHaveLength(0);
  });

  it("5XX after the order was placed: queries it by client order id and returns it — no second order", async () => {
    const { fake, exchange } = await setup();
    fake.inject({ method: "POST", path: "/api/v3/order", status: 503, process: "before" });
    const order = await exchange.placeOrder(limitBuy("u-1"));
    expect(order).toMatchObject({ clientOrderId: "u-1", status: "NEW" });
    expect(fake.orders).toHaveLength(1);
    expect(fake.calls("/api/v3/order", "POST")).toHaveLength(1);
    const sequence = fake.requests.filter((r) => r.path === "/api/v3/order").map((r) => `${r.method} ${r.status}`);
    expect(sequence).toEqual(["POST 503", "GET 200"]);
  });

  it("5XX before it reached the engine: the query says unknown, then it is sent once more with the same id", async () => {
    const { fake, exchange } = await setup();
    fake.inject({ method: "POST", path: "/api/v3/order", status: 500, process: "never" });
    const order = await exchange.placeOrder(limitBuy("u-2"));
    expect(order.clientOrderId).toBe("u-2");
    expect(fake.orders).toHaveLength(1);
    const sequence = fake.requests.filter((r) => r.path === "/api/v3/order").map((r) => `${r.method} ${r.status}`);
    expect(sequence).toEqual(["POST 500", "GET 400", "POST 200"]);
  });

  it("a timeout whose request reaches the engine late is refused there (recvWindow), so the resend is the only order", async () => {
    const { fake, exchange } = await setup({ recvWindow: 300, orderTimeoutMs: 200 });
    fake.inject({ method: "POST", path: "/api/v3/order", status: 200, delayMs: 400, process: "after" });
    const order = await exchange.placeOrder(limitBuy("u-3"));
    expect(order.clientOrderId).toBe("u-3");
    await new Promise((r) => setTimeout(r, 100)); // let the late copy hit the fake's engine
    expect(fake.orders).toHaveLength(1);
  });

  it("gives up with OrderStatusUnknownError when the status query fails too — never a blind resend", async () => {
    const { fake, exchange } = await setup();
    fake.inject({ method: "POST", path: "/api/v3/order", status: 502, process: "before" });
    fake.inject({ method: "GET", path: "/api/v3/order", status: 503, times: 10 });
    const err = await exchange.placeOrder(limitBuy("u-4")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderStatusUnknownError);
    expect(fake.calls("/api/v3/order", "POST")).toHaveLength(1);
    expect(fake.calls("/api/v3/order", "GET").length).toBe(4); // 1 + 3 retries of the idempotent query
  });

  it("429: backs off per Retry-After and sends nothing until then", async () => {
    const { fake, exchange } = await setup();
    fake.inject({ path: "/api/v3/openOrders", status: 429, retryAfterSec: 30, body: rest.errors.tooManyRequests });
    const err = await exchange.openOrders("BNBUSDT").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(30_000);
    const before = fake.requests.length;
    await expect(exchange.placeOrder(limitBuy("r-1"))).rejects.toBeInstanceOf(RateLimitedError);
    expect(fake.requests.length).toBe(before);
  });

  it("418: stops sending until the ban ends", async () => {
    const { fake, exchange } = await setup();
    fake.inject({ path: "/api/v3/account", status: 418, retryAfterSec: 120 });
    await expect(exchange.balances()).rejects.toBeInstanceOf(BannedError);
    const before = fake.requests.length;
    const err = await exchange.openOrders().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BannedError);
    expect((err as BannedError).until - Date.now()).toBeGreaterThan(100_000);
    expect(fake.requests.length).toBe(before);
  });

  it("stays under the used weight the venue reports (X-MBX-USED-WEIGHT-1M)", async () => {
    // The budget's clock sits 1 s into a minute: the next window is 59 s away.
    const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
    const { fake, exchange } = await setup({ now: () => minuteStart + 1_000 });
    fake.usedWeightOverride = 5_396; // of 6,000 per minute; 90 % headroom = 5,400
    await exchange.openOrders("BNBUSDT"); // weight 6: fits, and the answer reports 5,396 used
    const before = fake.requests.length;
    const err = await exchange.openOrders("BNBUSDT").catch((e: unknown) => e); // 5,396 + 6 would cross 5,400
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(59_000);
    expect(fake.requests.length).toBe(before);
    fake.usedWeightOverride = 100;
  });

  it("a timestamp error (-1021) resyncs the clock and succeeds on the one retry", async () => {
    const { fake, exchange } = await setup({ recvWindow: 1_000 });
    fake.clockSkewMs = 10_000; // the venue's clock jumps ahead of ours
    const timeCallsBefore = fake.calls("/api/v3/time").length;
    const order = await exchange.placeOrder(limitBuy("t-1"));
    expect(order.clientOrderId).toBe("t-1");
    expect(fake.calls("/api/v3/time").length).toBe(timeCallsBefore + 1);
    expect(fake.calls("/api/v3/order", "POST").map((r) => r.status)).toEqual([400, 200]);
  });

  it("the circuit breaker opens after repeated 5XX and refuses calls without touching the network", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 60_000 });
    const { fake, exchange } = await setup({ breaker });
    fake.inject({ path: "/api/v3/account", status: 503, times: 10 });
    await expect(exchange.balances()).rejects.toBeInstanceOf(ExchangeUnavailableError);
    expect(breaker.state).toBe("open");
    const before = fake.requests.length;
    await expect(exchange.openOrders()).rejects.toThrow(/circuit breaker is open/);
    expect(fake.requests.length).toBe(before);
  });

  it("reports partial fills and order updates from the user data stream", async () => {
    const { fake, exchange } = await setup({ userStream: true });
    const events: AccountEvent[] = [];
    exchange.onAccountEvent((e) => events.push(e));
    await waitFor(() => fake.userSockets.length === 1, "user data socket");
    const order = await exchange.placeOrder({ ...limitBuy("p-1"), quantity: "1" });
    fake.fill(Number(order.orderId), "0.4", "25.35");
    fake.fill(Number(order.orderId), "0.6", "25.30");
    await waitFor(() => events.length >= 3, "three order events");
    const orderEvents = events.filter((e) => e.kind === "order");
    expect(orderEvents.map((e) => `${e.executionType}/${e.order.status}/${e.order.executedQty}`)).toEqual([
      "NEW/NEW/0",
      "TRADE/PARTIALLY_FILLED/0.40000000",
      "TRADE/FILLED/1.00000000",
    ]);
    expect(orderEvents[1]!.fill).toMatchObject({ quantity: "0.4", price: "25.35" });
    expect(orderEvents[2]!.order.cumulativeQuoteQty).toBe("25.32000000");
  });

  it("the user data stream reconnects when its socket drops", async () => {
    const { fake, exchange } = await setup({ userStream: true });
    const events: AccountEvent[] = [];
    exchange.onAccountEvent((e) => events.push(e));
    await waitFor(() => fake.userSockets.length === 1, "user data socket");
    fake.dropUserSockets();
    await waitFor(() => fake.userSockets.length === 2, "user data socket again", 5_000);
    await exchange.placeOrder(limitBuy("p-2"));
    await waitFor(() => events.length >= 1, "event after reconnect");
    expect(exchange.userStream?.stats.reconnects).toBe(1);
  });
});

describe("BinanceExchange on USD-M futures (/fapi)", () => {
  it("uses the futures routes, filters and ORDER_TRADE_UPDATE events", async () => {
    const { fake, exchange } = await setup({ market: "usdm", userStream: true });
    const rules = await exchange.symbolRules();
    expect(rules.get("BTCUSDT")).toMatchObject({ tickSize: "0.1", minNotional: "100" });
    await expect(exchange.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "60000", clientOrderId: "fut-0" })).rejects.toThrow(/below the minimum 100/);
    const events: AccountEvent[] = [];
    exchange.onAccountEvent((e) => events.push(e));
    await waitFor(() => fake.userSockets.length === 1, "user data socket");
    const order = await exchange.placeOrder({ symbol: "BTCUSDT", side: "SELL", type: "LIMIT", quantity: "0.002", price: "60000", clientOrderId: "fut-1", reduceOnly: true });
    expect(fake.calls("/fapi/v1/order", "POST")[0]!.params).toMatchObject({ reduceOnly: "true" });
    fake.fill(Number(order.orderId), "0.001");
    await waitFor(() => events.length >= 2, "futures events");
    expect(events[1]).toMatchObject({ kind: "order", executionType: "TRADE", order: { status: "PARTIALLY_FILLED", executedQty: "0.00100000" } });
    expect(await exchange.balances()).toEqual([{ asset: "USDT", free: "23.72469206", locked: "122583.62668697" }]);
  });
});
