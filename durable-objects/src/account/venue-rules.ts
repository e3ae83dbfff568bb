/**
 * A live venue's symbol filters (Binance exchangeInfo: LOT_SIZE, PRICE_FILTER, MIN_NOTIONAL /
 * NOTIONAL) for the account's validation of live orders. The bridge serves them
 * (`GET /v1/exchange-info?venue=`, its own one-hour cache); the edge keeps a copy in KV for an
 * hour, so a live order costs one KV read, not a bridge round trip.
 *
 * @example
 * const rules = await venueRules(env, "binance-spot");   // { BTCUSDT: { tickSize, stepSize, ... } }
 * const violations = checkVenueFilters(rules.BTCUSDT!, { quantity: "0.01", price: "60000.5" });
 */
import { parseDecimal, type RuleViolation } from "@bot-core/core";
import { z } from "zod";
import type { Env } from "../../../workers/api/src/env";
import { bridgeFetch } from "../bridge-fetch";

export const VENUE_RULES_TTL_SEC = 3600;
const Dec = z.string().regex(/^\d+(\.\d+)?$/);

export const VenueSymbolRules = z.looseObject({ tickSize: Dec, stepSize: Dec, minQty: Dec, maxQty: Dec, minNotional: Dec });
export type VenueSymbolRules = z.infer<typeof VenueSymbolRules>;
const ExchangeInfoAnswer = z.looseObject({ venue: z.string(), rules: z.record(z.string(), VenueSymbolRules) });

export class VenueRulesUnavailableError extends Error {
  override readonly name = "VenueRulesUnavailableError";
}

const kvKey = (venue: string) => `xinfo:v1:${venue}`;

/** The venue's rules by symbol: KV (1 h), else the bridge (then stored in KV). */
export async function venueRules(env: Pick<Env, "CACHE" | "BRIDGE_URL" | "BRIDGE_TOKEN" | "BRIDGE_CONTAINER">, venue: string): Promise<Record<string, VenueSymbolRules>> {
  const cached = await env.CACHE.get(kvKey(venue), "json").catch(() => null);
  const fromKv = ExchangeInfoAnswer.shape.rules.safeParse(cached);
  if (fromKv.success) return fromKv.data;
  let res: Response;
  try {
    res = await bridgeFetch(env, `/v1/exchange-info?venue=${encodeURIComponent(venue)}`, { signal: AbortSignal.timeout(5000) });
  } catch {
    throw new VenueRulesUnavailableError(`the rules of ${venue} cannot be loaded: the bridge is unreachable`);
  }
  const parsed = ExchangeInfoAnswer.safeParse(await res.json().catch(() => null));
  if (!res.ok || !parsed.success) throw new VenueRulesUnavailableError(`the rules of ${venue} cannot be loaded (bridge answered ${res.status})`);
  await env.CACHE.put(kvKey(venue), JSON.stringify(parsed.data.rules), { expirationTtl: VENUE_RULES_TTL_SEC }).catch(() => undefined);
  return parsed.data.rules;
}

const SCALE = 18;
const dec = (s: string) => parseDecimal(s, SCALE);

/**
 * Every filter the order breaks, named as Binance names them. `referencePrice` (the book) stands
 * in for a market order's price in the notional check.
 */
export function checkVenueFilters(rules: VenueSymbolRules, order: { quantity: string; price?: string; referencePrice?: string }): RuleViolation[] {
  const out: RuleViolation[] = [];
  const qty = dec(order.quantity);
  if (qty < dec(rules.minQty)) out.push({ rule: "LOT_SIZE.minQty", message: `quantity ${order.quantity} is below the venue's minimum ${rules.minQty}` });
  if (qty > dec(rules.maxQty)) out.push({ rule: "LOT_SIZE.maxQty", message: `quantity ${order.quantity} is above the venue's maximum ${rules.maxQty}` });
  const step = dec(rules.stepSize);
  if (step > 0n && qty % step !== 0n) out.push({ rule: "LOT_SIZE.stepSize", message: `quantity ${order.quantity} is not a multiple of the venue's step ${rules.stepSize}` });
  if (order.price !== undefined) {
    const tick = dec(rules.tickSize);
    if (tick > 0n && dec(order.price) % tick !== 0n) out.push({ rule: "PRICE_FILTER.tickSize", message: `price ${order.price} is not a multiple of the venue's tick ${rules.tickSize}` });
  }
  const priced = order.price ?? order.referencePrice;
  if (priced !== undefined) {
    const notional = (dec(priced) * qty) / 10n ** BigInt(SCALE);
    if (notional < dec(rules.minNotional)) out.push({ rule: "NOTIONAL", message: `notional ${priced} x ${order.quantity} is below the venue's minimum ${rules.minNotional}` });
  }
  return out;
}
