/**
 * The auto-trading bot (signed-in users; each user's bot lives in their UserAccount DO):
 *
 * GET /api/bot/settings    `{ autoTrading: { SYMBOL: on/off }, symbols: { SYMBOL: { enabled, minConfidence, quoteAmount } } }`
 * PUT /api/bot/settings    `{ autoTrading?: { SYMBOL: boolean }, symbols?: { SYMBOL: { enabled?, minConfidence? (0.7-1), quoteAmount? (USDT or null: risk-sized) } } }`
 *                          400 malformed or a bad threshold, 404 an unknown symbol
 * GET /api/bot/decisions[?limit=&cursor=&symbol=]   the decision log, newest first: taken (order id) or skipped and why
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { BotSettingsUpdate, isKnownSymbol, SymbolName } from "@bot-core/core";
import type { AppEnv } from "../env";
import { notFound } from "../errors";
import { requireUser } from "../middleware/auth";
import { userRateLimit } from "../middleware/rate-limit";
import { jsonBody, queryOf } from "../validation";

export const DecisionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.coerce.number().int().positive().optional(),
  symbol: SymbolName.optional(),
});

const auth = [requireUser(), userRateLimit()] as const;

function account(c: Context<AppEnv>) {
  return c.env.USER_ACCOUNT.getByName(c.get("userId"));
}

export const botRoutes = new Hono<AppEnv>()
  .get("/bot/settings", ...auth, async (c) => c.json(await account(c).botSettings()))
  .put("/bot/settings", ...auth, async (c) => {
    const body = await jsonBody(c, BotSettingsUpdate);
    const unknown = [...Object.keys(body.autoTrading ?? {}), ...Object.keys(body.symbols ?? {})].filter((s) => !isKnownSymbol(s));
    if (unknown.length) throw notFound(`unknown symbol ${unknown.join(", ")}`);
    return c.json(await account(c).updateBotSettings(body));
  })
  .get("/bot/decisions", ...auth, async (c) => {
    const q = queryOf(c, DecisionsQuery);
    return c.json(await account(c).botDecisions({ limit: q.limit, ...(q.cursor ? { before: q.cursor } : {}), ...(q.symbol ? { symbol: q.symbol } : {}) }));
  });
