import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { KlineUpdate, TickerUpdate } from "@bot-core/core";
import { call } from "../../test/helpers";

type ErrorBody = { error: { code: string } };

describe("GET /api/market-data/latest/:symbol", () => {
  it("returns the hub's last ticker with its age, for any case of the symbol", async () => {
    const t: TickerUpdate = { kind: "ticker", symbol: "LINKUSDT", price: "14.52", bid: "14.51", ask: "14.52", bidQty: "10", askQty: "3", eventTime: Date.now() - 250, bridgeTime: Date.now() };
    await env.SYMBOL_HUB.getByName("LINKUSDT").applyUpdates([t]);
    const res = await call("/api/market-data/latest/linkusdt");
    expect(res.status).toBe(200);
    const body = await res.json<{ symbol: string; price: string; ageMs: number }>();
    expect(body).toMatchObject({ symbol: "LINKUSDT", price: "14.52", bid: "14.51" });
    expect(body.ageMs).toBeGreaterThanOrEqual(250);
    expect(res.headers.get("server-timing")).toMatch(/^app;dur=\d+(\.\d)?$/);
  });

  it("answers 404 for an unknown symbol, 400 for a malformed one, 503 before any price", async () => {
    expect((await call("/api/market-data/latest/NOPEUSDT")).status).toBe(404);
    const bad = await call("/api/market-data/latest/B%24D");
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorBody>()).error.code).toBe("invalid_symbol");
    const none = await call("/api/market-data/latest/FILUSDT");
    expect(none.status).toBe(503);
    expect(none.headers.get("retry-after")).toBe("1");
  });
});

describe("GET /api/market-data/klines/:symbol", () => {
  it("returns closed klines oldest first, limited", async () => {
    const base = 1_700_000_000_000;
    const kline = (i: number, closed: boolean): KlineUpdate => ({
      kind: "kline", symbol: "DOTUSDT", interval: "1m", openTime: base + i * 60_000, closeTime: base + i * 60_000 + 59_999,
      open: "7.1", high: "7.3", low: "7.0", close: `7.${i}`, volume: "100", closed, eventTime: base, bridgeTime: base,
    });
    await env.SYMBOL_HUB.getByName("DOTUSDT").applyUpdates([kline(1, true), kline(2, true), kline(3, true), kline(4, false)]);
    const res = await call("/api/market-data/klines/DOTUSDT?interval=1m&limit=3");
    expect(res.status).toBe(200);
    const body = await res.json<{ klines: Array<{ close: string; closed: boolean }> }>();
    expect(body.klines.map((k) => k.close)).toEqual(["7.2", "7.3", "7.4"]);
    expect(body.klines.at(-1)?.closed).toBe(false);
  });

  it("rejects bad query parameters with 400", async () => {
    for (const q of ["interval=7m", "limit=0", "limit=5000", "limit=abc", "foo=1"]) {
      const res = await call(`/api/market-data/klines/BTCUSDT?${q}`);
      expect(res.status, q).toBe(400);
    }
  });
});
