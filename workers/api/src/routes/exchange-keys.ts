/**
 * A signed-in user's exchange API keys (write-only: no answer ever carries the secret or the whole
 * key). The edge validates and forwards to the bridge, which seals the keys with AES-GCM under
 * EXCHANGE_KEYS_SECRET and is the only place they are ever opened:
 *
 * PUT    /api/exchange/keys          {venue, apiKey, apiSecret, testnet?} -> { venue, storedAt, apiKeyLast4 }
 * GET    /api/exchange/keys          -> { keys: [{ venue, storedAt, apiKeyLast4 }] }
 * DELETE /api/exchange/keys/:venue   -> { venue, deleted } (a live account on that venue goes back to paper)
 * GET    /api/trading/mode           -> { mode: "paper" } | { mode: "live", venue }
 * PUT    /api/trading/mode           {mode: "paper"} | {mode: "live", venue}: live needs keys stored for the venue (409 otherwise)
 *
 * `testnet` (the dashboard's form sends it) is only validated as a boolean: the network is the
 * bridge's own setting (BINANCE_NETWORK). Bridge down: 503 + Retry-After.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { bridgeFetch } from "../../../../durable-objects/src/bridge-fetch";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../errors";
import { requireUser } from "../middleware/auth";
import { userRateLimit } from "../middleware/rate-limit";
import { jsonBody } from "../validation";

export const LIVE_VENUES = ["binance-spot", "binance-usdm"] as const;
export type LiveVenue = (typeof LIVE_VENUES)[number];
export const LiveVenue = z.enum(LIVE_VENUES);

const KeyText = z.string().regex(/^[\x21-\x7e]{8,512}$/, "must be 8-512 printable ASCII characters without spaces");

export const PutExchangeKeysRequest = z.strictObject({
  venue: LiveVenue,
  apiKey: KeyText,
  apiSecret: KeyText,
  testnet: z.boolean().optional(),
});

export interface ExchangeKeyStatus {
  venue: string;
  storedAt: number;
  apiKeyLast4: string | null;
}

const BRIDGE_TIMEOUT_MS = 10_000;

/**
 * Calls a bridge `/v1/*` route and returns its JSON; its 4xx answers keep their code and message
 * (a 401 from the bridge is our misconfiguration: 503), anything else is 503 + Retry-After.
 */
export async function callBridge<T>(c: Context<AppEnv>, path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    const { json, ...rest } = init;
    res = await bridgeFetch(c.env, path, {
      ...rest,
      ...(json !== undefined ? { body: JSON.stringify(json), headers: { "content-type": "application/json" } } : {}),
      signal: AbortSignal.timeout(BRIDGE_TIMEOUT_MS),
    });
  } catch {
    throw new ApiError(503, "bridge_unavailable", "the exchange bridge cannot be reached; try again shortly", undefined, { "Retry-After": "5" });
  }
  const payload = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (res.ok && payload) return payload as T;
  const code = payload?.error?.code ?? "bridge_error";
  const message = payload?.error?.message ?? `the exchange bridge answered ${res.status}`;
  if (res.status === 404) throw notFound(message);
  if (res.status === 400 || res.status === 422) throw new ApiError(422, code, message);
  if (res.status === 409) throw new ApiError(409, code, message);
  throw new ApiError(503, code === "keystore_unavailable" ? code : "bridge_unavailable", message, undefined, { "Retry-After": res.headers.get("retry-after") ?? "5" });
}

/** The venues a user has keys stored for (asks the bridge). */
export async function storedKeys(c: Context<AppEnv>): Promise<ExchangeKeyStatus[]> {
  const body = await callBridge<{ keys?: ExchangeKeyStatus[] }>(c, `/v1/exchange/keys?userId=${encodeURIComponent(c.get("userId"))}`);
  return (body.keys ?? []).map((k) => ({ venue: k.venue, storedAt: k.storedAt, apiKeyLast4: k.apiKeyLast4 }));
}

export const TradingModeRequest = z.discriminatedUnion("mode", [z.strictObject({ mode: z.literal("paper") }), z.strictObject({ mode: z.literal("live"), venue: LiveVenue })]);

const auth = [requireUser(), userRateLimit()] as const;
const account = (c: Context<AppEnv>) => c.env.USER_ACCOUNT.getByName(c.get("userId"));

export const exchangeKeyRoutes = new Hono<AppEnv>()
  .put("/exchange/keys", ...auth, async (c) => {
    const body = await jsonBody(c, PutExchangeKeysRequest);
    const status = await callBridge<ExchangeKeyStatus>(c, "/v1/exchange/keys", {
      method: "PUT",
      json: { userId: c.get("userId"), venue: body.venue, apiKey: body.apiKey, apiSecret: body.apiSecret },
    });
    return c.json({ venue: status.venue, storedAt: status.storedAt, apiKeyLast4: status.apiKeyLast4 });
  })
  .get("/exchange/keys", ...auth, async (c) => c.json({ keys: await storedKeys(c) }))
  .delete("/exchange/keys/:venue", ...auth, async (c) => {
    const venue = LiveVenue.safeParse(c.req.param("venue"));
    if (!venue.success) throw notFound(`unknown venue ${c.req.param("venue")}; one of ${LIVE_VENUES.join(", ")}`);
    const result = await callBridge<{ venue: string; deleted: boolean }>(c, `/v1/exchange/keys/${venue.data}?userId=${encodeURIComponent(c.get("userId"))}`, { method: "DELETE" });
    const mode = await account(c).tradingMode();
    if (mode.mode === "live" && mode.venue === venue.data) await account(c).setTradingMode({ mode: "paper" });
    return c.json({ venue: result.venue, deleted: result.deleted });
  })
  .get("/trading/mode", ...auth, async (c) => c.json(await account(c).tradingMode()))
  .put("/trading/mode", ...auth, async (c) => {
    const body = await jsonBody(c, TradingModeRequest);
    if (body.mode === "live" && !(await storedKeys(c)).some((k) => k.venue === body.venue)) {
      throw new ApiError(409, "no_exchange_keys", `store API keys for ${body.venue} (PUT /api/exchange/keys) before trading live there`);
    }
    return c.json(await account(c).setTradingMode(body));
  });
