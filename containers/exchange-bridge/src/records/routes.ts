/**
 * The system of record over HTTP, for the edge only (bearer BRIDGE_TOKEN, compared in constant
 * time):
 *
 *   POST /v1/records     an outbox batch from a UserAccount DO -> { stored, duplicates, ackedThrough }
 *   GET  /v1/trades      ?userId= | ?symbol=, &limit=&cursor=&from=&to= -> { items, nextCursor }
 *   GET  /v1/positions   ?userId= -> { items }
 *
 * Bad input is a 4xx `{ error: { code, message } }`; a store that cannot be reached is a 503 with
 * Retry-After (the sender keeps its outbox and retries). Mounted by `createApp` (../http.ts).
 *
 * @example
 * const app = createApp({ ..., records: recordRoutes({ store, token: config.bridgeToken, log }) });
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { MAX_OUTBOX_BODY_BYTES, OutboxBatch, RecordId, SymbolName, type OutboxAck } from "@bot-core/core";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { Logger } from "../log";
import { MAX_PAGE_LIMIT, RecordConflictError, RecordQueryError, type RecordStore } from "./record-store";

export interface RecordRoutesDeps {
  readonly store: RecordStore;
  /** BRIDGE_TOKEN: the edge sends it as `Authorization: Bearer <token>`. */
  readonly token: string;
  readonly log: Logger;
}

/** A request the route refuses, with its status and error code. */
export class RecordsHttpError extends Error {
  override readonly name = "RecordsHttpError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const STORE_RETRY_AFTER_SEC = 5;

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Bearer-token check; both sides are hashed first so the comparison is constant-time whatever the lengths. */
export function bearerAuth(token: string): MiddlewareHandler {
  const expected = digest(token);
  return async (c, next) => {
    const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(c.req.header("authorization") ?? "");
    if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
      throw new RecordsHttpError(401, "unauthorized", "a valid bridge token is required (Authorization: Bearer <BRIDGE_TOKEN>)", { "WWW-Authenticate": 'Bearer realm="bridge"' });
    }
    await next();
  };
}

const EpochMsParam = z
  .string()
  .regex(/^-?\d{1,16}$/, "must be epoch milliseconds")
  .transform(Number);

const TradesQuery = z
  .strictObject({
    userId: RecordId.optional(),
    symbol: SymbolName.optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_PAGE_LIMIT, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
      .optional(),
    cursor: z.string().max(400).optional(),
    from: EpochMsParam.optional(),
    to: EpochMsParam.optional(),
  })
  .refine((q) => (q.userId === undefined) !== (q.symbol === undefined), "give exactly one of userId or symbol");

const PositionsQuery = z.strictObject({ userId: RecordId });

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

function validate<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new RecordsHttpError(400, "invalid_request", describeIssues(parsed.error));
  return parsed.data;
}

async function jsonBody(c: Context): Promise<unknown> {
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) {
    throw new RecordsHttpError(415, "unsupported_media_type", "send the body as application/json");
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new RecordsHttpError(400, "bad_json", "the request body is not valid JSON");
  }
}

export function recordRoutes(deps: RecordRoutesDeps): Hono {
  const { store, log } = deps;
  const app = new Hono();
  app.use("/v1/*", bearerAuth(deps.token));

  app.post(
    "/v1/records",
    bodyLimit({
      maxSize: MAX_OUTBOX_BODY_BYTES,
      onError: () => {
        throw new RecordsHttpError(413, "payload_too_large", `an outbox batch is at most ${MAX_OUTBOX_BODY_BYTES} bytes; send fewer records per batch`);
      },
    }),
    async (c) => {
      const batch = validate(OutboxBatch, await jsonBody(c));
      const result = await store.applyOutbox(batch.userId, batch.records);
      const ack: OutboxAck = { ...result, ackedThrough: Math.max(...batch.records.map((r) => r.outboxId)) };
      log.debug("outbox batch stored", { userId: batch.userId, records: batch.records.length, ...ack });
      return c.json(ack);
    },
  );

  app.get("/v1/trades", async (c) => {
    const q = validate(TradesQuery, c.req.query());
    const page = { limit: q.limit, cursor: q.cursor, from: q.from, to: q.to };
    const result = q.userId !== undefined ? await store.tradesByUser(q.userId, page) : await store.tradesBySymbol(q.symbol!, page);
    return c.json(result);
  });

  app.get("/v1/positions", async (c) => {
    const q = validate(PositionsQuery, c.req.query());
    return c.json({ items: await store.positionsByUser(q.userId) });
  });

  app.onError((err, c) => {
    if (err instanceof RecordsHttpError) {
      for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
      return c.json({ error: { code: err.code, message: err.message } }, err.status);
    }
    if (err instanceof RecordQueryError) return c.json({ error: { code: "invalid_request", message: err.message } }, 400);
    if (err instanceof RecordConflictError) {
      log.warn("outbox record conflicts with another user's", { kind: err.kind, recordId: err.recordId });
      return c.json({ error: { code: "record_conflict", message: err.message } }, 409);
    }
    // Anything else comes from the store (disk full, MongoDB unreachable, ...): the sender keeps
    // its outbox and retries later.
    log.error("record store failed", { err, method: c.req.method, path: c.req.path });
    c.header("Retry-After", String(STORE_RETRY_AFTER_SEC));
    return c.json({ error: { code: "store_unavailable", message: "the record store is unavailable; retry later" } }, 503);
  });

  return app;
}
