/**
 * Orders and the trading account (all require a signed-in user; each user's state lives in
 * their own UserAccount DO, so another user's ids simply do not exist there: 404, not 403).
 *
 * POST   /api/orders, POST /api/trading/execute   place an order (market, limit, stop_market,
 *        stop_limit; attached stopLoss / takeProfit / trailingStop); paper fills at best bid/ask
 * GET    /api/orders[?open=true&symbol=&cursor=&limit=], GET /api/orders/:id
 * DELETE /api/orders/:id   cancel a working order
 * PATCH  /api/orders/:id   amend a working order's quantity or prices
 * GET    /api/trading/account[?mode=paper|live], GET /api/trading/positions[?mode=paper|live] (paper by default;
 *        live = the live ledger built from live fills), POST /api/trading/positions/:symbol/close
 * GET    /api/trading/history[?mode=paper|live&symbol=&from=&to=&cursor=&limit=] (both ledgers when no mode)
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { AmendOrderRequest, isKnownSymbol, PlaceOrderRequest, RiskCalculateRequest, RiskSettingsUpdate, SymbolName, type TickerUpdate } from "@bot-core/core";
import { sha256Hex } from "../auth/encoding";
import type { OrderResult, Quote } from "../../../../durable-objects/src/user-account";
import type { AppEnv } from "../env";
import { ApiError, badRequest, notFound } from "../errors";
import { requireUser } from "../middleware/auth";
import { rateLimitsOf, setRateLimitHeaders, userRateLimit } from "../middleware/rate-limit";
import { jsonBody, queryOf } from "../validation";
import { recordTrade } from "../telemetry/trades";
import { marketFeedOf } from "../../../../durable-objects/src/market-feed";

/** A fill price older than this is refused: never trade on a stale quote. */
export const MAX_PRICE_AGE_MS = 10_000;
const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

export const HistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.coerce.number().int().positive().optional(),
  symbol: SymbolName.optional(),
  /** Epoch milliseconds, inclusive. */
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  /** Paper or live fills only (both when omitted; each trade says which). */
  mode: z.enum(["paper", "live"]).optional(),
});

/** `?mode=live` reads the live ledger (positions from live fills); paper is the default. */
export const LedgerQuery = z.strictObject({ mode: z.enum(["paper", "live"]).default("paper") });

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.coerce.number().int().positive().optional(),
  symbol: SymbolName.optional(),
  /** true: working orders only (open, partially filled, armed stops). */
  open: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
});

const ORDER_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The :id of an order route; anything that is not an order id cannot exist: 404. */
function orderIdOf(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!ORDER_ID_RE.test(id)) throw notFound("order not found");
  return id;
}

function quoteOf(t: TickerUpdate): Quote {
  return { price: t.price, bid: t.bid, ask: t.ask, bidQty: t.bidQty, askQty: t.askQty, time: t.eventTime };
}

function account(c: Context<AppEnv>) {
  return c.env.USER_ACCOUNT.getByName(c.get("userId"));
}

/** The request's Idempotency-Key header, if any; a malformed one is 400. */
function idempotencyKeyOf(c: Context<AppEnv>): string | undefined {
  const key = c.req.header("idempotency-key");
  if (key !== undefined && !IDEMPOTENCY_KEY_RE.test(key)) {
    throw badRequest("invalid_idempotency_key", "Idempotency-Key must be 1-64 letters, digits or _.:-");
  }
  return key;
}

/** The live best bid/ask of a symbol (the feed's, the newest on the edge), refused when missing or stale. */
async function freshTicker(c: Context<AppEnv>, symbol: string) {
  const ticker = await marketFeedOf(c.env).quote(symbol);
  if (!ticker) throw new ApiError(503, "market_data_unavailable", `no price for ${symbol} yet`, undefined, { "Retry-After": "1" });
  const age = Date.now() - ticker.eventTime;
  if (age > MAX_PRICE_AGE_MS) {
    throw new ApiError(503, "market_data_stale", `the last ${symbol} price is ${Math.round(age / 1000)} s old; refusing to fill at a stale price`, undefined, { "Retry-After": "1" });
  }
  return ticker;
}

function orderFailure(result: Extract<OrderResult, { ok: false }>): ApiError {
  return new ApiError(
    result.status,
    result.code,
    result.message,
    result.violations ? { violations: result.violations } : undefined,
    result.retryAfterSec ? { "Retry-After": String(result.retryAfterSec) } : undefined,
  );
}

async function placeOrder(c: Context<AppEnv>): Promise<Response> {
  const t0 = performance.now();
  const body = await jsonBody(c, PlaceOrderRequest);
  const idempotencyKey = idempotencyKeyOf(c);
  if (!isKnownSymbol(body.symbol)) throw notFound(`unknown symbol ${body.symbol}`);
  // Only an Idempotency-Key needs the request's fingerprint (of the normalized body).
  const requestHash = idempotencyKey ? await sha256Hex(JSON.stringify(body)) : "";
  const t1 = performance.now();

  const ticker = await freshTicker(c, body.symbol);
  const limits = rateLimitsOf(c.env);
  const t2 = performance.now();

  const result = await account(c).placeOrder({
    order: body,
    ...(idempotencyKey ? { idempotencyKey } : {}),
    requestHash,
    quote: quoteOf(ticker),
    tradesPerMinute: limits.tradesPerMinute,
    requestLimits: limits,
  });
  const t3 = performance.now();
  if (result.admission) setRateLimitHeaders(c, result.admission);
  recordTrade(c.env, body, result.ok ? result.order.status : result.status === 429 ? "rate_limited" : "rejected", t3 - t0);
  c.header("Server-Timing", `validation;dur=${(t1 - t0).toFixed(1)}, price;dur=${(t2 - t1).toFixed(1)}, execution;dur=${(t3 - t2).toFixed(1)}`);

  if (!result.ok) throw orderFailure(result);
  if (result.replayed) c.header("Idempotent-Replayed", "true");
  return c.json(result.order, 201);
}

// Auth is applied per route: a sub-app's .use() would become /api/* middleware and answer
// unknown /api routes with 401 instead of 404.
const auth = [requireUser(), userRateLimit()] as const;
/** Order placement admits the request inside its own UserAccount call (one RPC fewer). */
const authOnly = requireUser();

export const orderRoutes = new Hono<AppEnv>()
  .post("/orders", authOnly, placeOrder)
  .post("/trading/execute", authOnly, placeOrder)
  .get("/orders", ...auth, async (c) => {
    const q = queryOf(c, ListQuery);
    return c.json(
      await account(c).listOrders({ limit: q.limit, ...(q.cursor ? { before: q.cursor } : {}), ...(q.symbol ? { symbol: q.symbol } : {}), ...(q.open ? { open: true } : {}) }),
    );
  })
  .get("/orders/:id", ...auth, async (c) => {
    const order = await account(c).getOrder(orderIdOf(c));
    if (!order) throw notFound("order not found");
    return c.json(order);
  })
  .delete("/orders/:id", ...auth, async (c) => {
    const result = await account(c).cancelOrder(orderIdOf(c));
    if (!result.ok) throw orderFailure(result);
    return c.json(result.order);
  })
  .patch("/orders/:id", ...auth, async (c) => {
    const id = orderIdOf(c);
    const patch = await jsonBody(c, AmendOrderRequest);
    const result = await account(c).amendOrder(id, patch);
    if (!result.ok) throw orderFailure(result);
    return c.json(result.order);
  })
  .get("/trading/account", ...auth, async (c) => {
    const q = queryOf(c, LedgerQuery);
    return c.json(q.mode === "live" ? await account(c).liveAccount() : { ...(await account(c).account()), mode: "paper" as const });
  })
  .post("/trading/positions/:symbol/close", ...auth, async (c) => {
    const symbol = SymbolName.safeParse(c.req.param("symbol"));
    if (!symbol.success || !isKnownSymbol(symbol.data)) throw notFound(`unknown symbol ${c.req.param("symbol")}`);
    const ticker = await freshTicker(c, symbol.data);
    const idempotencyKey = idempotencyKeyOf(c);
    const result = await account(c).closePosition({
      symbol: symbol.data,
      ...(idempotencyKey ? { idempotencyKey } : {}),
      requestHash: await sha256Hex(`close:${symbol.data}`),
      quote: quoteOf(ticker),
      tradesPerMinute: rateLimitsOf(c.env).tradesPerMinute,
    });
    if (!result.ok) throw orderFailure(result);
    return c.json(result.order, 201);
  })
  .get("/trading/history", ...auth, async (c) => {
    const q = queryOf(c, HistoryQuery);
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw badRequest("invalid_request", "from must not be after to");
    return c.json(
      await account(c).history({
        limit: q.limit,
        ...(q.cursor ? { before: q.cursor } : {}),
        ...(q.symbol ? { symbol: q.symbol } : {}),
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(q.mode ? { mode: q.mode } : {}),
      }),
    );
  })
  .get("/trading/positions", ...auth, async (c) => {
    const q = queryOf(c, LedgerQuery);
    if (q.mode === "live") return c.json({ positions: (await account(c).liveAccount()).positions });
    const view = await account(c).account();
    return c.json({ positions: view.positions.map((p) => ({ ...p, mode: "paper" as const })) });
  });

/** GET/PUT /api/trading/settings and POST /api/risk/calculate. */
export const riskRoutes = new Hono<AppEnv>()
  .get("/trading/settings", ...auth, async (c) => c.json(await account(c).riskSettings()))
  .put("/trading/settings", ...auth, async (c) => {
    const patch = await jsonBody(c, RiskSettingsUpdate);
    const result = await account(c).updateRiskSettings(patch);
    if (!result.ok) throw new ApiError(result.status, result.code, result.message);
    return c.json(result.settings);
  })
  .post("/risk/calculate", ...auth, async (c) => {
    const body = await jsonBody(c, RiskCalculateRequest);
    if (!isKnownSymbol(body.symbol)) throw notFound(`unknown symbol ${body.symbol}`);
    const entry = body.entryPrice ?? (await freshTicker(c, body.symbol))[body.side === "buy" ? "ask" : "bid"];
    const report = await account(c).assess({
      symbol: body.symbol,
      side: body.side,
      entry,
      ...(body.quantity ? { quantity: body.quantity } : {}),
      ...(body.stopLoss ? { stopLoss: body.stopLoss } : {}),
      ...(body.takeProfit ? { takeProfit: body.takeProfit } : {}),
      ...(body.confidence !== undefined ? { confidence: body.confidence } : {}),
    });
    if (!report) throw notFound(`unknown symbol ${body.symbol}`);
    return c.json({ symbol: body.symbol, side: body.side, ...report });
  });
