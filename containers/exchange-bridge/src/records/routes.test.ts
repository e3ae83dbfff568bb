/** The records routes mounted in the real app, on a real SQLite store in a temp dir. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { OutboxRecord } from "@bot-core/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { routesApp } from "../testing/routes-app";
import { SqliteRecordStore } from "./sqlite-store";
import { recordRoutes } from "./routes";
import { mixedStream, positionRecord, tradeRecord } from "./testing/fixtures";

const TOKEN = "records-route-token-0123456789";
const USER = "user-1";

let dir: string;
let store: SqliteRecordStore;
let lines: string[];
let app: ReturnType<typeof routesApp>;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "records-routes-"));
  store = SqliteRecordStore.open(path.join(dir, "records.sqlite"));
  lines = [];
  const log = createLogger({ level: "debug", write: (l) => lines.push(l), redact: [TOKEN] });
  app = routesApp({ log, records: recordRoutes({ store, token: TOKEN, log }) });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };
const post = (body: unknown, headers: Record<string, string> = { ...auth, "content-type": "application/json" }) =>
  app.request("/v1/records", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
const batchOf = (records: OutboxRecord[], userId = USER) => ({ userId, records });

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe("POST /v1/records", () => {
  it("stores a batch and acknowledges through its highest outboxId; a redelivery is all duplicates", async () => {
    const records = mixedStream(USER, 20, 101);
    const res = await post(batchOf(records));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 16, duplicates: 4, ackedThrough: 120 });
    const again = await post(batchOf([...records].reverse()));
    expect(await again.json()).toEqual({ stored: 0, duplicates: 20, ackedThrough: 120 });
    expect(await store.countRecords()).toEqual({ trade: 8, order: 4, position: 3, balance: 1 });
  });

  it.each([
    ["no header", {}],
    ["another token", { authorization: "Bearer records-route-token-0123456780" }],
    ["a prefix of the token", { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ["the token without Bearer", { authorization: TOKEN }],
    ["Basic auth", { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` }],
  ])("answers 401 to %s and stores nothing", async (_name, headers) => {
    const res = await post(batchOf([tradeRecord({ userId: USER, outboxId: 1 })]), { ...headers, "content-type": "application/json" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="bridge"');
    expect((await errorOf(res)).code).toBe("unauthorized");
    expect(await store.countRecords()).toMatchObject({ trade: 0 });
  });

  it("answers 415 to a body that is not JSON-typed, 400 to malformed JSON", async () => {
    const wrongType = await post(JSON.stringify(batchOf([tradeRecord({ userId: USER, outboxId: 1 })])), { ...auth, "content-type": "text/plain" });
    expect(wrongType.status).toBe(415);
    expect((await errorOf(wrongType)).code).toBe("unsupported_media_type");
    const malformed = await post('{"userId": "user-1", "records": [', { ...auth, "content-type": "application/json" });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe("bad_json");
  });

  it.each([
    ["an empty batch", { userId: USER, records: [] }, /records/],
    ["a float amount", batchOf([{ ...tradeRecord({ userId: USER, outboxId: 1 }), payload: { ...tradeRecord({ userId: USER, outboxId: 1 }).payload, price: 64000.5 } } as unknown as OutboxRecord]), /records\.0\.payload\.price/],
    ["another user's record", batchOf([tradeRecord({ userId: "user-2", outboxId: 1 })]), /records\.0\.payload\.userId: must equal the batch's userId/],
    ["a recordId that is not the payload's key", batchOf([{ ...positionRecord({ userId: USER, outboxId: 1 }), recordId: "ETHUSDT" }]), /records\.0\.recordId/],
    ["a string outboxId", batchOf([{ ...tradeRecord({ userId: USER, outboxId: 1 }), outboxId: "1" } as unknown as OutboxRecord]), /records\.0\.outboxId/],
    ["an array body", [], /expected object/],
  ])("answers 400 invalid_request to %s, naming the field", async (_name, body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_request");
    expect(error.message).toMatch(message);
    expect(await store.countRecords()).toMatchObject({ trade: 0, position: 0 });
  });

  it("answers 413 to a body over 1 MB", async () => {
    const big = JSON.stringify({ userId: USER, records: [], pad: "x".repeat(1_000_001) });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
  });

  it("answers 409 when a trade id belongs to another user", async () => {
    await post(batchOf([tradeRecord({ userId: USER, outboxId: 1, tradeId: "dup" })]));
    const res = await post(batchOf([tradeRecord({ userId: "user-2", outboxId: 1, tradeId: "dup" })], "user-2"));
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe("record_conflict");
  });

  it("answers 503 with Retry-After when the store fails, and logs it without the token", async () => {
    await store.close();
    const res = await post(batchOf([tradeRecord({ userId: USER, outboxId: 1 })]));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await errorOf(res)).code).toBe("store_unavailable");
    expect(lines.some((l) => l.includes("record store failed"))).toBe(true);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });
});

describe("GET /v1/trades and /v1/positions", () => {
  beforeEach(async () => {
    const records: OutboxRecord[] = [];
    for (let i = 1; i <= 7; i++) records.push(tradeRecord({ userId: USER, outboxId: i, symbol: i % 2 ? "BTCUSDT" : "ETHUSDT" }));
    records.push(positionRecord({ userId: USER, outboxId: 8 }));
    expect((await post(batchOf(records))).status).toBe(200);
  });

  it("pages a user's trades, newest first, with a cursor", async () => {
    const first = (await (await app.request(`/v1/trades?userId=${USER}&limit=4`, { headers: auth })).json()) as { items: Array<{ tradeId: string }>; nextCursor: string };
    expect(first.items.map((t) => t.tradeId)).toEqual([7, 6, 5, 4].map((i) => `${USER}-t${i}`));
    const second = (await (await app.request(`/v1/trades?userId=${USER}&limit=4&cursor=${first.nextCursor}`, { headers: auth })).json()) as { items: Array<{ tradeId: string }>; nextCursor: null };
    expect(second.items.map((t) => t.tradeId)).toEqual([3, 2, 1].map((i) => `${USER}-t${i}`));
    expect(second.nextCursor).toBeNull();
  });

  it("lists trades of a symbol (case-insensitive) and a user's positions", async () => {
    const eth = (await (await app.request("/v1/trades?symbol=ethusdt", { headers: auth })).json()) as { items: Array<{ symbol: string }> };
    expect(eth.items.map((t) => t.symbol)).toEqual(["ETHUSDT", "ETHUSDT", "ETHUSDT"]);
    const positions = (await (await app.request(`/v1/positions?userId=${USER}`, { headers: auth })).json()) as { items: unknown[] };
    expect(positions.items).toEqual([positionRecord({ userId: USER, outboxId: 8 }).payload]);
  });

  it.each([
    ["both userId and symbol", `/v1/trades?userId=${USER}&symbol=BTCUSDT`, /exactly one of userId or symbol/],
    ["neither", "/v1/trades", /exactly one of userId or symbol/],
    ["limit 0", `/v1/trades?userId=${USER}&limit=0`, /limit/],
    ["limit 5000", `/v1/trades?userId=${USER}&limit=5000`, /limit/],
    ["a forged cursor", `/v1/trades?userId=${USER}&cursor=AAAA`, /cursor/],
    ["an unknown parameter", `/v1/trades?userId=${USER}&sort=asc`, /sort/],
    ["a non-numeric from", `/v1/trades?userId=${USER}&from=yesterday`, /from/],
    ["positions without userId", "/v1/positions", /userId/],
  ])("answers 400 to %s", async (_name, url, message) => {
    const res = await app.request(url, { headers: auth });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_request");
    expect(error.message).toMatch(message);
  });

  it("answers 401 without the token, and /health stays open", async () => {
    expect((await app.request(`/v1/trades?userId=${USER}`)).status).toBe(401);
    expect((await app.request("/v1/positions?userId=x", { headers: { authorization: "Bearer nope-nope-nope-nope" } })).status).toBe(401);
    expect((await app.request("/health")).status).toBe(200);
  });
});
