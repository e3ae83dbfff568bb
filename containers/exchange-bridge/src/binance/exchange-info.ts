/**
 * exchangeInfo → exchange rules per symbol, in the shape of core's `SymbolRules`
 * (tickSize from PRICE_FILTER, stepSize/minQty/maxQty from LOT_SIZE, minNotional from
 * MIN_NOTIONAL or NOTIONAL; USD-M futures spell it `notional`). Decimals are normalized
 * ("0.00100000" → "0.001"). Only symbols in TRADING status are returned.
 *
 * @example
 * const info = parseExchangeInfo(await res.json());
 * info.rules.get("BNBUSDT"); // { symbol, baseAsset, quoteAsset, tickSize, stepSize, … }
 */
import { DecimalString, formatDecimal, parseDecimal } from "@bot-core/core";
import { z } from "zod";
import type { ExchangeSymbolRules } from "../exchange/port";
import { rulesFromExchangeInfo, type RateLimitRule } from "./rate-limits";

const Filter = z.looseObject({ filterType: z.string() });

const SymbolInfo = z.looseObject({
  symbol: z.string().regex(/^[A-Z0-9]{2,30}$/),
  status: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  filters: z.array(Filter),
});

const RateLimit = z.looseObject({ rateLimitType: z.string(), interval: z.string(), intervalNum: z.number().int().positive(), limit: z.number().int().positive() });

export const ExchangeInfoPayload = z.looseObject({
  serverTime: z.number().int().optional(),
  rateLimits: z.array(RateLimit).default([]),
  symbols: z.array(SymbolInfo),
});

export interface ParsedExchangeInfo {
  readonly rules: ReadonlyMap<string, ExchangeSymbolRules>;
  readonly rateLimits: readonly RateLimitRule[];
  /** Symbols skipped (not TRADING, or filters missing/unreadable), with the reason. */
  readonly skipped: readonly { symbol: string; reason: string }[];
}

/** "0.00100000" → "0.001"; throws on a non-decimal. */
export function normalizeDecimal(value: unknown, what: string): string {
  const parsed = DecimalString.safeParse(value);
  if (!parsed.success) throw new TypeError(`${what} is not a decimal string`);
  return formatDecimal(parseDecimal(parsed.data, 18), 18);
}

export function parseExchangeInfo(payload: unknown): ParsedExchangeInfo {
  const info = ExchangeInfoPayload.parse(payload);
  const rules = new Map<string, ExchangeSymbolRules>();
  const skipped: { symbol: string; reason: string }[] = [];
  for (const s of info.symbols) {
    if (s.status !== "TRADING") {
      skipped.push({ symbol: s.symbol, reason: `status ${s.status}` });
      continue;
    }
    try {
      rules.set(s.symbol, symbolRulesOf(s));
    } catch (err) {
      skipped.push({ symbol: s.symbol, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { rules, rateLimits: rulesFromExchangeInfo(info.rateLimits), skipped };
}

function symbolRulesOf(s: z.infer<typeof SymbolInfo>): ExchangeSymbolRules {
  const byType = new Map(s.filters.map((f) => [f.filterType, f as Record<string, unknown>]));
  const price = byType.get("PRICE_FILTER");
  const lot = byType.get("LOT_SIZE");
  if (!price) throw new TypeError("no PRICE_FILTER");
  if (!lot) throw new TypeError("no LOT_SIZE");
  const minNotional = byType.get("MIN_NOTIONAL");
  const notional = byType.get("NOTIONAL");
  const min =
    minNotional?.minNotional ?? // spot MIN_NOTIONAL
    minNotional?.notional ?? // USD-M futures MIN_NOTIONAL
    notional?.minNotional ?? // spot NOTIONAL
    "0";
  return {
    symbol: s.symbol,
    baseAsset: s.baseAsset,
    quoteAsset: s.quoteAsset,
    tickSize: normalizeDecimal(price.tickSize, "PRICE_FILTER.tickSize"),
    stepSize: normalizeDecimal(lot.stepSize, "LOT_SIZE.stepSize"),
    minQty: normalizeDecimal(lot.minQty, "LOT_SIZE.minQty"),
    maxQty: normalizeDecimal(lot.maxQty, "LOT_SIZE.maxQty"),
    minNotional: normalizeDecimal(min, "minNotional"),
  };
}

/**
 * exchangeInfo loaded once and kept for `ttlMs`; concurrent callers share one load; a failed
 * refresh keeps serving the previous rules (rules change rarely; an outage should not block
 * order validation).
 */
export class ExchangeInfoCache {
  #value: ParsedExchangeInfo | undefined;
  #loadedAt = 0;
  #inflight: Promise<ParsedExchangeInfo> | undefined;

  constructor(
    private readonly load: () => Promise<unknown>,
    private readonly ttlMs = 60 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): ParsedExchangeInfo | undefined {
    return this.#value;
  }

  async get(): Promise<ParsedExchangeInfo> {
    if (this.#value && this.now() - this.#loadedAt < this.ttlMs) return this.#value;
    try {
      return await this.refresh();
    } catch (err) {
      if (this.#value) return this.#value;
      throw err;
    }
  }

  refresh(): Promise<ParsedExchangeInfo> {
    return (this.#inflight ??= (async () => {
      try {
        const parsed = parseExchangeInfo(await this.load());
        this.#value = parsed;
        this.#loadedAt = this.now();
        return parsed;
      } finally {
        this.#inflight = undefined;
      }
    })());
  }
}
