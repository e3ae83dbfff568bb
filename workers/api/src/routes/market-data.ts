/**
 * Public market data (no account data, so no token needed, like Binance's public endpoints):
 * GET /api/market-data/latest/:symbol  the last ticker with its age
 * GET /api/market-data/klines/:symbol  closed klines of the window (+ the open one)
 */
import { Hono } from "hono";
import { z } from "zod";
import { KlineInterval, SymbolName, isKnownSymbol } from "@bot-core/core";
import type { AppEnv } from "../env";
import { ApiError, badRequest, notFound } from "../errors";
import { queryOf } from "../validation";
import { marketFeedOf } from "../../../../durable-objects/src/market-feed";

export const KlinesQuery = z.strictObject({
  interval: KlineInterval.default("1m"),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function symbolParam(raw: string): string {
  const parsed = SymbolName.safeParse(raw);
  if (!parsed.success) throw badRequest("invalid_symbol", "symbol must look like BTCUSDT");
  if (!isKnownSymbol(parsed.data)) throw notFound(`unknown symbol ${parsed.data}`);
  return parsed.data;
}

export const marketDataRoutes = new Hono<AppEnv>()
  .get("/latest/:symbol", async (c) => {
    const symbol = symbolParam(c.req.param("symbol"));
    const latest = await marketFeedOf(c.env).quote(symbol);
    if (!latest) {
      throw new ApiError(503, "market_data_unavailable", `no price for ${symbol} has arrived yet`, undefined, { "Retry-After": "1" });
    }
    const { kind: _kind, ...ticker } = latest;
    c.header("Cache-Control", "no-store");
    return c.json({ ...ticker, ageMs: Math.max(0, Date.now() - latest.eventTime) });
  })
  .get("/klines/:symbol", async (c) => {
    const symbol = symbolParam(c.req.param("symbol"));
    const query = queryOf(c, KlinesQuery);
    const klines = await c.env.SYMBOL_HUB.getByName(symbol).klines(query.interval, query.limit);
    return c.json({ symbol, interval: query.interval, klines: klines.map(({ kind: _k, eventTime: _e, bridgeTime: _b, ...k }) => k) });
  });
