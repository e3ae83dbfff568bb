/**
 * Edge side of the keys routes on workerd. The bridge is down here (BRIDGE_URL points at a closed
 * port); the path through a running bridge, with its log captured, is e2e/live-trading.e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { call, register } from "../../test/helpers";

const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const API_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
type ErrorBody = { error: { code: string; message: string } };

describe("/api/exchange/keys", () => {
  it("requires a signed-in user on every route", async () => {
    expect((await call("/api/exchange/keys", { method: "PUT", json: { venue: "binance-spot", apiKey: API_KEY, apiSecret: API_SECRET } })).status).toBe(401);
    expect((await call("/api/exchange/keys")).status).toBe(401);
    expect((await call("/api/exchange/keys/binance-spot", { method: "DELETE" })).status).toBe(401);
  });

  it("validates the body and the venue without echoing a key", async () => {
    const user = await register();
    const headers = { authorization: `Bearer ${user.accessToken}` };
    const good = { venue: "binance-spot", apiKey: API_KEY, apiSecret: API_SECRET, testnet: true };
    for (const bad of [{ ...good, venue: "kraken" }, { ...good, apiSecret: "short" }, { ...good, apiKey: "has spaces in it" }, { ...good, extra: 1 }, { ...good, testnet: "yes" }, { venue: "binance-spot" }]) {
      const res = await call("/api/exchange/keys", { method: "PUT", json: bad, headers });
      expect(res.status, JSON.stringify(Object.keys(bad))).toBe(400);
      const text = await res.text();
      expect(text).not.toContain(API_SECRET);
      expect(text).not.toContain(API_KEY);
    }
    const unknownVenue = await call("/api/exchange/keys/kraken", { method: "DELETE", headers });
    expect(unknownVenue.status).toBe(404);
  });

  it("answers 503 with Retry-After when the bridge cannot be reached, never a 500", async () => {
    const user = await register();
    const headers = { authorization: `Bearer ${user.accessToken}` };
    const put = await call("/api/exchange/keys", { method: "PUT", json: { venue: "binance-usdm", apiKey: API_KEY, apiSecret: API_SECRET }, headers });
    expect(put.status).toBe(503);
    expect(put.headers.get("retry-after")).toBe("5");
    const body = await put.json<ErrorBody>();
    expect(body.error.code).toBe("bridge_unavailable");
    expect(JSON.stringify(body)).not.toContain(API_SECRET);
    expect((await call("/api/exchange/keys", { headers })).status).toBe(503);
    expect((await call("/api/exchange/keys/binance-usdm", { method: "DELETE", headers })).status).toBe(503);
  });

  it("is rate limited like every other user route", async () => {
    const user = await register();
    const res = await call("/api/exchange/keys", { headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(res.headers.get("ratelimit-limit")).toBeTruthy();
  });
});
