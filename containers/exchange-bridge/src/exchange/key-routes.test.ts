/**
 * The key routes mounted in the real app on a real SQLite key store in a temp dir; every log line
 * the bridge writes is captured and searched for the key and the secret.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { createLogger } from "../log";
import { routesApp } from "../testing/routes-app";
import { startLiveTrading, type LiveTrading } from "./live";
import { KEYS_FILE_NAME } from "./sqlite-key-store";

const TOKEN = "key-routes-token-0123456789";
const KEYS_SECRET = "exchange-keys-secret-0123456789abcdef";
const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const API_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

let dir: string;
let lines: string[];
let live: LiveTrading;
let app: ReturnType<typeof routesApp>;

async function start(secret: string | undefined) {
  live = await startLiveTrading({ dataDir: dir, bridgeToken: TOKEN, exchangeKeysSecret: secret, exchangeKeysVersion: 1, edgeUrl: "http://127.0.0.1:9", binance: loadConfig({ BRIDGE_TOKEN: TOKEN }).binance }, { log: createLogger({ level: "debug", write: (l) => lines.push(l) }) });
  app = routesApp({ log: createLogger({ level: "debug", write: (l) => lines.push(l) }), exchange: live.routes });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "key-routes-"));
  lines = [];
});
afterEach(async () => {
  await live.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, "content-type": "application/json" };
const put = (body: unknown, headers: Record<string, string> = json) => app.request("/v1/exchange/keys", { method: "PUT", headers, body: JSON.stringify(body) });

describe("/v1/exchange/keys", () => {
  it("stores a key sealed, reports only its venue, time and last 4 characters, and deletes it", async () => {
    await start(KEYS_SECRET);
    const res = await put({ userId: "user-1", venue: "binance-spot", apiKey: API_KEY, apiSecret: API_SECRET });
    expect(res.status).toBe(200);
    const stored = await res.json();
    expect(stored).toEqual({ venue: "binance-spot", storedAt: expect.any(Number), apiKeyLast4: "Eh8A" });

    const list = await app.request("/v1/exchange/keys?userId=user-1", { headers: auth });
    expect(await list.json()).toEqual({ keys: [{ venue: "binance-spot", storedAt: expect.any(Number), apiKeyLast4: "Eh8A" }] });
    expect(await (await app.request("/v1/exchange/keys?userId=user-2", { headers: auth })).json()).toEqual({ keys: [] });

    // On disk: neither the key nor the secret in clear.
    const file = readFileSync(path.join(dir, KEYS_FILE_NAME)).toString("latin1") + readFileSync(path.join(dir, `${KEYS_FILE_NAME}-wal`)).toString("latin1");
    expect(file).toContain("bce1.1.");
    expect(file).not.toContain(API_KEY);
    expect(file).not.toContain(API_SECRET);

    const del = await app.request("/v1/exchange/keys/binance-spot?userId=user-1", { method: "DELETE", headers: auth });
    expect(await del.json()).toEqual({ venue: "binance-spot", deleted: true });
    expect(await (await app.request("/v1/exchange/keys?userId=user-1", { headers: auth })).json()).toEqual({ keys: [] });
    const again = await app.request("/v1/exchange/keys/binance-spot?userId=user-1", { method: "DELETE", headers: auth });
    expect(await again.json()).toEqual({ venue: "binance-spot", deleted: false });
  });

  it("needs the bridge token and valid input; no answer and no log line ever holds the key or the secret", async () => {
    await start(KEYS_SECRET);
    const good = { userId: "user-1", venue: "binance-usdm", apiKey: API_KEY, apiSecret: API_SECRET };
    const answers: Response[] = [];
    answers.push(await put(good, { "content-type": "application/json" }));
    expect(answers.at(-1)!.status).toBe(401);
    answers.push(await put(good, { "content-type": "application/json", authorization: "Bearer wrong-token-0123456789" }));
    expect(answers.at(-1)!.status).toBe(401);
    for (const body of [
      { ...good, venue: "kraken" },
      { ...good, apiSecret: "short" },
      { ...good, apiKey: `${API_KEY} with spaces` },
      { ...good, extra: API_SECRET },
      { ...good, userId: "no spaces allowed" },
    ]) {
      answers.push(await put(body));
      expect(answers.at(-1)!.status, JSON.stringify(Object.keys(body))).toBe(400);
    }
    answers.push(await app.request("/v1/exchange/keys", { method: "PUT", headers: json, body: `{"apiSecret":"${API_SECRET}"` }));
    expect(answers.at(-1)!.status).toBe(400);
    answers.push(await app.request("/v1/exchange/keys", { method: "PUT", headers: auth, body: JSON.stringify(good) }));
    expect(answers.at(-1)!.status).toBe(415);
    answers.push(await put(good));
    expect(answers.at(-1)!.status).toBe(200);
    answers.push(await app.request("/v1/exchange/keys?userId=user-1", { headers: auth }));
    answers.push(await app.request("/v1/exchange/keys/kraken?userId=user-1", { method: "DELETE", headers: auth }));
    expect(answers.at(-1)!.status).toBe(404);
    answers.push(await app.request("/v1/exchange/keys/binance-usdm", { method: "DELETE", headers: auth }));
    expect(answers.at(-1)!.status).toBe(400);

    const bodies = await Promise.all(answers.map((r) => r.text()));
    for (const b of bodies) {
      expect(b).not.toContain(API_SECRET);
      expect(b).not.toContain(API_KEY);
    }
    expect(lines.some((l) => l.includes("exchange API key stored"))).toBe(true);
    const logs = lines.join("\n");
    expect(logs).not.toContain(API_SECRET);
    expect(logs).not.toContain(API_KEY);
  });

  it("answers 503 keystore_unavailable without EXCHANGE_KEYS_SECRET", async () => {
    await start(undefined);
    const res = await put({ userId: "user-1", venue: "binance-spot", apiKey: API_KEY, apiSecret: API_SECRET });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("keystore_unavailable");
    expect(lines.join("\n")).not.toContain(API_SECRET);
  });
});
