import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import type { EdgeLinkState } from "./edge-link";
import { createApp, type AppDeps } from "./http";
import { createLogger } from "./log";

const EDGE: EdgeLinkState = {
  connected: true,
  lastSentAt: 1_700_000_000_500,
  batchesSent: 12,
  updatesSent: 340,
  reconnects: 1,
  pending: 3,
  droppedClosedKlines: 0,
};

function setup(overrides: Partial<AppDeps> = {}) {
  const lines: string[] = [];
  let now = 1_700_000_000_000;
  const app = createApp({
    startedAt: 1_700_000_000_000 - 61_900,
    now: () => now,
    source: { kind: "simulator", symbols: ["BTCUSDT", "ETHUSDT", "SOLUSDT"], updatesPerSec: 40 },
    edge: () => EDGE,
    log: createLogger({ write: (l) => lines.push(l) }),
    ...overrides,
  });
  return { app, lines, advance: (ms: number) => (now += ms) };
}

describe("GET /health", () => {
  it("reports the source, uptime, edge link and simulator", async () => {
    const { app, advance } = setup();
    const res = await app.request("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      status: "ok",
      source: "simulator",
      uptimeSec: 61,
      edge: { connected: true, lastSentAt: 1_700_000_000_500, batchesSent: 12, updatesSent: 340, reconnects: 1 },
      simulator: { symbols: 3, updatesPerSec: 40 },
    });
    advance(5_000);
    expect(((await (await app.request("/health")).json()) as { uptimeSec: number }).uptimeSec).toBe(66);
  });

  it("reads the edge state on every request", async () => {
    let connected = false;
    const { app } = setup({ edge: () => ({ ...EDGE, connected, lastSentAt: null }) });
    expect(await (await app.request("/health")).json()).toMatchObject({ edge: { connected: false, lastSentAt: null } });
    connected = true;
    expect(await (await app.request("/health")).json()).toMatchObject({ edge: { connected: true } });
  });
});

describe("errors", () => {
  it("answers unknown routes with a 404 error body", async () => {
    const { app } = setup();
    const res = await app.request("/nope?x=1");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "no route for GET /nope" } });
    const post = await app.request("/health", { method: "POST" });
    expect(post.status).toBe(404);
    expect(await post.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("turns an unexpected exception into a 500 without leaking its message, and logs it", async () => {
    const { app, lines } = setup({
      edge: () => {
        throw new Error("secret internals");
      },
    });
    const res = await app.request("/health");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "internal", message: "internal error" } });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", msg: "unhandled error in HTTP handler", path: "/health" });
  });

  it("maps an HTTPException to its status, a code and its message", async () => {
    const { app } = setup();
    app.get("/limited", () => {
      throw new HTTPException(429, { message: "slow down" });
    });
    app.get("/teapot", () => {
      throw new HTTPException(418, { message: "short and stout" });
    });
    const limited = await app.request("/limited");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: { code: "rate_limited", message: "slow down" } });
    const teapot = await app.request("/teapot");
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ error: { code: "error", message: "short and stout" } });
  });
});
