/**
 * Users' exchange API keys over HTTP, for the edge only (bearer BRIDGE_TOKEN):
 *
 *   PUT    /v1/exchange/keys           {userId, venue, apiKey, apiSecret} -> the key's status
 *   GET    /v1/exchange/keys?userId=   -> { keys: [{ venue, storedAt, apiKeyLast4 }] }
 *   DELETE /v1/exchange/keys/:venue?userId= -> { venue, deleted }
 *
 * Keys are sealed by the keyring (AES-GCM, EXCHANGE_KEYS_SECRET) before they touch the disk. No
 * answer carries a secret or a whole API key (the last 4 characters of the key tell two keys
 * apart), and nothing here logs a request body. Without EXCHANGE_KEYS_SECRET every route is a
 * 503 `keystore_unavailable`.
 *
 * @example
 * app.route("/", keyRoutes({ keyring, store, token: config.bridgeToken, log }));
 */
import { RecordId } from "@bot-core/core";
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Logger } from "../log";
import { bearerAuth, RecordsHttpError } from "../records/routes";
import { ApiCredentials } from "./credentials";
import { KeystoreError, type ApiKeyring } from "./keystore";
import type { ListableSealedKeyStore } from "./sqlite-key-store";
import { ApiKeyText, LiveVenue } from "./venues";

export interface KeyRoutesDeps {
  /** Undefined when EXCHANGE_KEYS_SECRET is not set: the routes answer 503. */
  readonly keyring: ApiKeyring | undefined;
  readonly store: ListableSealedKeyStore | undefined;
  readonly token: string;
  readonly log: Logger;
  /** Called after a user's key for a venue was replaced or deleted (drop connections using the old one). */
  readonly onChange?: (userId: string, venue: string) => void;
}

export interface KeyStatus {
  readonly venue: string;
  readonly storedAt: number;
  /** The last 4 characters of the API key; never the secret. */
  readonly apiKeyLast4: string | null;
}

export const PutKeysBody = z.strictObject({
  userId: RecordId,
  venue: LiveVenue,
  apiKey: ApiKeyText,
  apiSecret: ApiKeyText,
});

const UserQuery = z.strictObject({ userId: RecordId });

function bad(error: z.ZodError): RecordsHttpError {
  // Issue messages only: zod never echoes the offending value, so no key reaches the answer.
  const message = error.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
  return new RecordsHttpError(400, "invalid_request", message);
}

async function jsonOf(c: Context): Promise<unknown> {
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) throw new RecordsHttpError(415, "unsupported_media_type", "send the body as application/json");
  try {
    return JSON.parse(await c.req.text());
  } catch {
    throw new RecordsHttpError(400, "bad_json", "the request body is not valid JSON");
  }
}

/** Status of one user's keys; a key that no longer opens (rotated secret lost) shows without its hint. */
export async function keyStatuses(keyring: ApiKeyring, store: ListableSealedKeyStore, userId: string): Promise<KeyStatus[]> {
  const out: KeyStatus[] = [];
  for (const info of await store.list(userId)) {
    let last4: string | null = null;
    try {
      last4 = (await keyring.get({ userId, venue: info.venue }))?.apiKey.slice(-4) ?? null;
    } catch (err) {
      if (!(err instanceof KeystoreError)) throw err;
    }
    out.push({ venue: info.venue, storedAt: info.storedAt, apiKeyLast4: last4 });
  }
  return out;
}

export function keyRoutes(deps: KeyRoutesDeps): Hono {
  const app = new Hono();
  app.use("/v1/exchange/keys", bearerAuth(deps.token));
  app.use("/v1/exchange/keys/*", bearerAuth(deps.token));

  const ready = (): { keyring: ApiKeyring; store: ListableSealedKeyStore } => {
    if (!deps.keyring || !deps.store) throw new RecordsHttpError(503, "keystore_unavailable", "exchange keys cannot be stored: the bridge has no EXCHANGE_KEYS_SECRET");
    return { keyring: deps.keyring, store: deps.store };
  };

  app.put("/v1/exchange/keys", async (c) => {
    const { keyring, store } = ready();
    const parsed = PutKeysBody.safeParse(await jsonOf(c));
    if (!parsed.success) throw bad(parsed.error);
    const { userId, venue, apiKey, apiSecret } = parsed.data;
    await keyring.set({ userId, venue }, new ApiCredentials(apiKey, apiSecret));
    deps.log.info("exchange API key stored", { userId, venue });
    deps.onChange?.(userId, venue);
    const status = (await keyStatuses(keyring, store, userId)).find((k) => k.venue === venue)!;
    return c.json(status);
  });

  app.get("/v1/exchange/keys", async (c) => {
    const { keyring, store } = ready();
    const parsed = UserQuery.safeParse(c.req.query());
    if (!parsed.success) throw bad(parsed.error);
    return c.json({ keys: await keyStatuses(keyring, store, parsed.data.userId) });
  });

  app.delete("/v1/exchange/keys/:venue", async (c) => {
    const { store } = ready();
    const venue = LiveVenue.safeParse(c.req.param("venue"));
    if (!venue.success) throw new RecordsHttpError(404, "not_found", "unknown venue");
    const parsed = UserQuery.safeParse(c.req.query());
    if (!parsed.success) throw bad(parsed.error);
    const owner = { userId: parsed.data.userId, venue: venue.data };
    const existed = (await store.get(owner)) !== undefined;
    await store.delete(owner);
    if (existed) deps.log.info("exchange API key deleted", owner);
    deps.onChange?.(owner.userId, owner.venue);
    return c.json({ venue: venue.data, deleted: existed });
  });

  app.onError((err, c) => {
    if (err instanceof RecordsHttpError) {
      for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
      return c.json({ error: { code: err.code, message: err.message } }, err.status);
    }
    // Never the error object itself: a driver error could quote a statement's parameters.
    deps.log.error("exchange key store failed", { errName: err instanceof Error ? err.name : typeof err, path: c.req.path, method: c.req.method });
    c.header("Retry-After", "5");
    return c.json({ error: { code: "keystore_unavailable", message: "the key store is unavailable; retry later" } }, 503);
  });
  return app;
}
