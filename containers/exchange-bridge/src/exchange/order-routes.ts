/**
 * Live orders over HTTP, for the edge's account Durable Objects only (bearer BRIDGE_TOKEN):
 *
 *   POST /v1/orders          {userId, venue, attempt, order} -> { order }   place (idempotent by clientOrderId)
 *   POST /v1/orders/cancel   {userId, venue, symbol, clientOrderId} -> { order }
 *   GET  /v1/exchange-info?venue=binance-spot|binance-usdm|paper -> { venue, rules: { SYMBOL: rules } }
 *
 * A placement with `attempt > 0` is a resend: the account does not know whether an earlier one
 * reached the venue, so the order is looked up by its client order id first and only sent when
 * the venue does not know it. Inside one attempt the adapter does the same after a 5XX/timeout.
 * Concurrent requests for one client order id share one placement.
 *
 * Answers: 200 with the venue's order; 422 the venue or a filter refused it (final); 409 the user
 * has no keys for the venue (final); 503 + Retry-After the outcome is not known yet (retry, same id).
 */
import { RecordId, SymbolName } from "@bot-core/core";
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Logger } from "../log";
import { bearerAuth, RecordsHttpError } from "../records/routes";
import { BannedError, ExchangeError, RateLimitedError } from "./errors";
import { type ExecutionReporter, reportOfOrder } from "./execution-reports";
import { NoKeysError, type LiveAccounts } from "./live-accounts";
import { ClientOrderId, OrderRequest, type ExchangeOrder } from "./port";
import { LiveVenue } from "./venues";

export interface OrderRoutesDeps {
  /** Undefined without EXCHANGE_KEYS_SECRET: placement answers 503. */
  readonly accounts: LiveAccounts | undefined;
  readonly reporter: ExecutionReporter | undefined;
  readonly token: string;
  readonly log: Logger;
}

export const PlaceLiveOrder = z.strictObject({
  userId: RecordId,
  venue: LiveVenue,
  attempt: z.number().int().min(0).max(1000),
  order: OrderRequest,
});

export const CancelLiveOrder = z.strictObject({ userId: RecordId, venue: LiveVenue, symbol: SymbolName, clientOrderId: ClientOrderId });

const InfoQuery = z.strictObject({ venue: z.union([LiveVenue, z.literal("paper")]) });

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new RecordsHttpError(400, "invalid_request", r.error.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "));
  return r.data;
}

async function body(c: Context): Promise<unknown> {
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) throw new RecordsHttpError(415, "unsupported_media_type", "send the body as application/json");
  try {
    return JSON.parse(await c.req.text());
  } catch {
    throw new RecordsHttpError(400, "bad_json", "the request body is not valid JSON");
  }
}

export function orderRoutes(deps: OrderRoutesDeps): Hono {
  const app = new Hono();
  for (const p of ["/v1/orders", "/v1/orders/*", "/v1/exchange-info"]) app.use(p, bearerAuth(deps.token));
  const inflight = new Map<string, Promise<ExchangeOrder>>();

  const accounts = (): LiveAccounts => {
    if (!deps.accounts) throw new RecordsHttpError(503, "live_trading_unavailable", "live trading is off: the bridge has no EXCHANGE_KEYS_SECRET", { "Retry-After": "60" });
    return deps.accounts;
  };

  app.post("/v1/orders", async (c) => {
    const req = parse(PlaceLiveOrder, await body(c));
    const live = accounts();
    const key = `${req.venue}\u0000${req.userId}\u0000${req.order.clientOrderId}`;
    let placing = inflight.get(key);
    if (!placing) {
      placing = (async () => {
        const exchange = await live.exchangeFor(req.userId, req.venue);
        if (req.attempt > 0) {
          const known = await exchange.queryOrder({ symbol: req.order.symbol, clientOrderId: req.order.clientOrderId });
          if (known) {
            deps.log.info("resent order already at the venue; not sending it again", { userId: req.userId, venue: req.venue, clientOrderId: req.order.clientOrderId, status: known.status });
            return known;
          }
        }
        return exchange.placeOrder(req.order);
      })().finally(() => inflight.delete(key));
      inflight.set(key, placing);
    }
    const order = await placing;
    deps.reporter?.push(reportOfOrder(req.userId, req.venue, order));
    return c.json({ order });
  });

  app.post("/v1/orders/cancel", async (c) => {
    const req = parse(CancelLiveOrder, await body(c));
    const exchange = await accounts().exchangeFor(req.userId, req.venue);
    const ref = { symbol: req.symbol, clientOrderId: req.clientOrderId };
    let order: ExchangeOrder;
    try {
      order = await exchange.cancelOrder(ref);
    } catch (err) {
      // Already final at the venue (filled, canceled) or never placed: say what the venue knows.
      if (!(err instanceof ExchangeError) || err.code !== "order_rejected") throw err;
      const known = await exchange.queryOrder(ref);
      if (!known) throw new RecordsHttpError(404, "order_not_found", `the venue does not know order ${req.clientOrderId}`);
      order = known;
    }
    deps.reporter?.push(reportOfOrder(req.userId, req.venue, order, "CANCEL"));
    return c.json({ order });
  });

  app.get("/v1/exchange-info", async (c) => {
    const q = parse(InfoQuery, c.req.query());
    const rules = await accounts().rules(q.venue);
    c.header("Cache-Control", "max-age=3600");
    return c.json({ venue: q.venue, rules: Object.fromEntries(rules) });
  });

  app.onError((err, c) => {
    if (err instanceof RecordsHttpError) {
      for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
      return c.json({ error: { code: err.code, message: err.message } }, err.status);
    }
    if (err instanceof NoKeysError) return c.json({ error: { code: "no_exchange_keys", message: err.message } }, 409);
    if (err instanceof ExchangeError) {
      if (err.code === "invalid_order" || err.code === "order_rejected") return c.json({ error: { code: err.code, message: err.message } }, 422);
      const retryAfterMs = err instanceof RateLimitedError ? err.retryAfterMs : err instanceof BannedError ? Math.max(0, err.until - Date.now()) : 5000;
      c.header("Retry-After", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
      deps.log.warn("live order request failed; the account retries", { code: err.code, message: err.message, path: c.req.path });
      return c.json({ error: { code: err.code, message: err.message } }, 503);
    }
    deps.log.error("live order route failed", { errName: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : undefined, path: c.req.path });
    c.header("Retry-After", "5");
    return c.json({ error: { code: "exchange_unavailable", message: "the exchange cannot be reached; retry later" } }, 503);
  });
  return app;
}
