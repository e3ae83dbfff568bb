import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, register } from "../../test/helpers";

type ErrorBody = { error: { code: string; message: string } };
const post = (token: string | null, path: string, body: unknown) =>
  call(path, { method: "POST", json: body, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("/api/ai/*", () => {
  it("requires a token, validates the body and knows the symbols", async () => {
    const user = await register();
    expect((await post(null, "/api/ai/analyze", { symbol: "BTCUSDT" })).status).toBe(401);
    for (const bad of [{}, { symbol: "BTCUSDT", interval: "2m" }, { symbol: "BTCUSDT", extra: 1 }, { symbol: 5 }]) {
      const res = await post(user.accessToken, "/api/ai/analyze", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const unknown = await post(user.accessToken, "/api/ai/analyze", { symbol: "NOPEUSDT" });
    expect(unknown.status).toBe(404);
    const batch = await post(user.accessToken, "/api/ai/batch-analyze", { symbols: Array.from({ length: 21 }, () => "BTCUSDT") });
    expect(batch.status).toBe(400);
    const dup = await post(user.accessToken, "/api/ai/batch-analyze", { symbols: ["BTCUSDT", "BTCUSDT"] });
    expect((await dup.json<ErrorBody>()).error.message).toMatch(/distinct/);
  });

  it("answers 503 with Retry-After when the analysis service cannot be reached, never a 500 or a hang", async () => {
    const user = await register();
    const res = await post(user.accessToken, "/api/ai/analyze", { symbol: "SOLUSDT", interval: "5m" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await res.json<ErrorBody>()).error.code).toBe("analysis_unavailable");
  });

  it("serves a cached signal from KV for 60 s", async () => {
    const user = await register();
    const signal = { symbol: "ETHUSDT", action: "Buy", confidence: 0.72 };
    await env.CACHE.put("ai:v1:ETHUSDT:1m", JSON.stringify({ signal }), { expirationTtl: 60 });
    const res = await post(user.accessToken, "/api/ai/analyze", { symbol: "ethusdt" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBe("hit");
    expect(await res.json()).toEqual({ signal });
  });

  it("keeps an answer in the isolate until its 60 s end, and never serves one stored more than 60 s ago", async () => {
    const user = await register();
    const signal = { symbol: "BNBUSDT", action: "Sell", confidence: 0.8 };
    await env.CACHE.put("ai:v1:BNBUSDT:1m", JSON.stringify({ signal }), { expirationTtl: 60, metadata: { storedAt: Date.now() } });
    expect((await post(user.accessToken, "/api/ai/analyze", { symbol: "BNBUSDT" })).headers.get("x-cache")).toBe("hit");
    await env.CACHE.delete("ai:v1:BNBUSDT:1m");
    const fromIsolate = await post(user.accessToken, "/api/ai/analyze", { symbol: "BNBUSDT" });
    expect(fromIsolate.headers.get("x-cache")).toBe("hit");
    expect(await fromIsolate.json()).toEqual({ signal });

    // Stored 61 s ago (KV's own expiry is coarse): not an answer; the bridge is asked (unreachable here: 503).
    await env.CACHE.put("ai:v1:XRPUSDT:1m", JSON.stringify({ signal }), { expirationTtl: 60, metadata: { storedAt: Date.now() - 61_000 } });
    expect((await post(user.accessToken, "/api/ai/analyze", { symbol: "XRPUSDT" })).status).toBe(503);
  });
});
