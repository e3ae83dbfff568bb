/**
 * The outbox drain, end to end on the real stack: orders placed at the edge (UserAccount DO on
 * workerd) reach the bridge's system of record (embedded SQLite) through the account's alarm —
 * each fill exactly once, also when the bridge was down while the orders were placed.
 */
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevVars } from "../scripts/dev-vars.mjs";
import { ROOT } from "../scripts/stack.mjs";
import { startTestStack, until } from "./support";

type StartedStack = Awaited<ReturnType<typeof startTestStack>>;
type Trade = { tradeId: string; orderId: string; symbol: string; side: string; quantity: string; price: string; fee: string };

let stack: StartedStack;
let token: string;

beforeAll(async () => {
  stack = await startTestStack();
  token = ensureDevVars(ROOT).BRIDGE_TOKEN;
}, 240_000);

afterAll(async () => {
  await stack?.cleanup();
});

async function recordedTrades(userId: string): Promise<Trade[]> {
  const res = await fetch(`${stack.bridgeUrl}/v1/trades?userId=${encodeURIComponent(userId)}&limit=100`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`bridge answered ${res.status}`);
  return ((await res.json()) as { items: Trade[] }).items;
}

describe("the system of record", () => {
  it("receives every fill exactly once, including those placed while the bridge was down", async () => {
    const reg = await fetch(`${stack.edgeUrl}/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `sor-${Date.now()}@example.com`, password: "correct horse battery" }),
    });
    const { accessToken, user } = (await reg.json()) as { accessToken: string; user: { id: string } };
    const order = (side: "buy" | "sell") =>
      fetch(`${stack.edgeUrl}/api/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ symbol: "BTCUSDT", side, quantity: "0.001" }),
      });
    // Wait until the simulator's prices flow, then trade.
    await until("a BTCUSDT price", async () => ((await fetch(`${stack.edgeUrl}/api/market-data/latest/BTCUSDT`)).ok ? true : undefined));
    for (const side of ["buy", "sell", "buy"] as const) expect((await order(side)).status).toBe(201);
    const first = await until("3 trades in the system of record", async () => {
      const t = await recordedTrades(user.id);
      return t.length >= 3 ? t : undefined;
    });
    expect(first).toHaveLength(3);

    // The edge's own history and the record agree, to the unit.
    const history = (await (await fetch(`${stack.edgeUrl}/api/trading/history`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as { trades: Array<{ tradeId: string; price: string; fee: string; quantity: string }> };
    for (const t of history.trades) {
      const r = first.find((x) => x.tradeId === t.tradeId);
      expect(r, t.tradeId).toMatchObject({ price: t.price, fee: t.fee, quantity: t.quantity });
    }

    // Bridge down: orders still fill at the edge (last known prices are fresh for 10 s) and wait in the outbox.
    await stack.stopBridge();
    const placedWhileDown = [await order("sell"), await order("buy")].filter((r) => r.status === 201).length;
    expect(placedWhileDown).toBeGreaterThanOrEqual(1);
    await stack.startBridge();
    const all = await until(`${3 + placedWhileDown} trades after the bridge came back`, async () => {
      const t = await recordedTrades(user.id);
      return t.length >= 3 + placedWhileDown ? t : undefined;
    }, 90_000);
    await new Promise((r) => setTimeout(r, 2500)); // a redelivery would show up now
    const final = await recordedTrades(user.id);
    expect(final).toHaveLength(3 + placedWhileDown);
    expect(new Set(final.map((t) => t.tradeId)).size).toBe(final.length);
    expect(all.length).toBe(final.length);
  }, 180_000);
});

describe("compression on the real runtime", () => {
  /** Raw bytes as sent on the wire (Node's fetch would decode them for us). */
  function raw(path: string, acceptEncoding: string): Promise<{ encoding: string | undefined; body: Buffer }> {
    const url = new URL(path, stack.edgeUrl);
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { "accept-encoding": acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("gzips a large JSON body exactly once, and leaves it plain for a client without gzip", async () => {
    const gz = await raw("/api/openapi.json", "gzip");
    expect(gz.encoding).toBe("gzip");
    const doc = JSON.parse(gunzipSync(gz.body).toString("utf8")) as { openapi: string };
    expect(doc.openapi).toBe("3.1.0");
    const plain = await raw("/api/openapi.json", "identity");
    expect(plain.encoding).toBeUndefined();
    expect((JSON.parse(plain.body.toString("utf8")) as { openapi: string }).openapi).toBe("3.1.0");
  });
});

describe("analysis through the edge", () => {
  it("returns a signal computed by the bridge, then serves it from the edge cache", async () => {
    const reg = await fetch(`${stack.edgeUrl}/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `ai-${Date.now()}@example.com`, password: "correct horse battery" }),
    });
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const ask = () =>
      fetch(`${stack.edgeUrl}/api/ai/analyze`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ symbol: "BTCUSDT", interval: "1m" }),
      });
    // The bridge's workers load the model in the background: a 503 + Retry-After until then.
    const first = await until("a signal", async () => {
      const res = await ask();
      return res.status === 200 ? res : undefined;
    }, 60_000);
    expect(first.headers.get("x-cache")).toBe("miss");
    const { signal } = (await first.json()) as { signal: { symbol: string; action: string; confidence: number; stopLoss: string; takeProfit: string; modelVersion: string } };
    expect(signal.symbol).toBe("BTCUSDT");
    expect(["strong_buy", "buy", "neutral", "sell", "strong_sell"]).toContain(signal.action);
    expect(signal.confidence).toBeGreaterThanOrEqual(0);
    expect(signal.confidence).toBeLessThanOrEqual(1);
    const second = await ask();
    expect(second.headers.get("x-cache")).toBe("hit");
  }, 90_000);
});
