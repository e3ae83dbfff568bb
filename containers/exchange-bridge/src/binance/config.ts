/**
 * Binance settings of the bridge, from environment variables (validated with the rest of the
 * configuration in ../config.ts). Nothing here is used unless `MARKET_SOURCE=binance`; the
 * simulator stays the default.
 *
 * | variable | default |
 * | --- | --- |
 * | `BINANCE_MARKET` | `spot` (`usdm` = USD-M futures) |
 * | `BINANCE_NETWORK` | `testnet` (`live`) |
 * | `BINANCE_REST_URL`, `BINANCE_WS_URL` | spot base URLs of the network |
 * | `BINANCE_FUTURES_REST_URL`, `BINANCE_FUTURES_WS_URL` | USD-M base URLs of the network |
 * | `BINANCE_RECV_WINDOW` | `5000` (ms, at most 60000) |
 * | `BINANCE_SYMBOLS` | core's 20 symbols (comma-separated) |
 * | `BINANCE_KLINE_INTERVALS` | `1m` (comma-separated: 1m 5m 15m 1h 4h 1d) |
 * | `BINANCE_STREAMS` | `bookTicker,aggTrade,kline` (`depth` too, if wanted) |
 */
import { KLINE_INTERVALS, SYMBOL_NAMES, type KlineInterval } from "@bot-core/core";
import { z } from "zod";
import { DEFAULT_URLS, type BinanceMarket, type BinanceNetwork } from "./endpoints";
import { STREAM_KINDS, type StreamKind } from "./market-source";
import { DEFAULT_RECV_WINDOW, MAX_RECV_WINDOW } from "./rest";

export interface BinanceConfig {
  readonly market: BinanceMarket;
  readonly network: BinanceNetwork;
  /** REST and WebSocket bases of the selected market. */
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly spot: { readonly restUrl: string; readonly wsUrl: string };
  readonly futures: { readonly restUrl: string; readonly wsUrl: string };
  readonly recvWindow: number;
  readonly symbols: readonly string[];
  readonly intervals: readonly KlineInterval[];
  readonly streams: readonly StreamKind[];
}

const emptyAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

function baseUrl(schemes: readonly string[]) {
  return z.preprocess(
    emptyAsUnset,
    z
      .string()
      .trim()
      .refine((s) => {
        try {
          const u = new URL(s);
          return schemes.includes(u.protocol) && !u.search && !u.hash && !u.username && !u.password;
        } catch {
          return false;
        }
      }, `must be a ${schemes.map((s) => s.replace(":", "")).join(" or ")} URL without credentials, query or fragment`)
      .optional(),
  );
}

function list<T extends string>(allowed: readonly T[], fallback: readonly T[], what: string) {
  return z.preprocess(
    emptyAsUnset,
    z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined) return [...fallback];
        const items = [...new Set(s.split(",").map((x) => x.trim()).filter(Boolean))];
        const bad = items.filter((x) => !allowed.includes(x as T));
        if (items.length === 0 || bad.length) {
          ctx.addIssue({ code: "custom", message: `must be a comma-separated list of ${what}` });
          return z.NEVER;
        }
        return items as T[];
      }),
  );
}

export const BINANCE_ENV = {
  BINANCE_MARKET: z.preprocess(emptyAsUnset, z.enum(["spot", "usdm"], { error: "must be spot or usdm" }).default("spot")),
  BINANCE_NETWORK: z.preprocess(emptyAsUnset, z.enum(["testnet", "live"], { error: "must be testnet or live" }).default("testnet")),
  BINANCE_REST_URL: baseUrl(["http:", "https:"]),
  BINANCE_WS_URL: baseUrl(["ws:", "wss:"]),
  BINANCE_FUTURES_REST_URL: baseUrl(["http:", "https:"]),
  BINANCE_FUTURES_WS_URL: baseUrl(["ws:", "wss:"]),
  BINANCE_RECV_WINDOW: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .default(String(DEFAULT_RECV_WINDOW))
      .refine((s) => /^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= MAX_RECV_WINDOW, `must be a whole number of ms between 1 and ${MAX_RECV_WINDOW}`)
      .transform(Number),
  ),
  BINANCE_SYMBOLS: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined) return [...SYMBOL_NAMES];
        const items = [...new Set(s.split(",").map((x) => x.trim().toUpperCase()).filter(Boolean))];
        if (items.length === 0 || items.length > 2048 || items.some((x) => !/^[A-Z0-9]{5,20}$/.test(x))) {
          ctx.addIssue({ code: "custom", message: "must be a comma-separated list of symbols like BTCUSDT (at most 2048)" });
          return z.NEVER;
        }
        return items;
      }),
  ),
  BINANCE_KLINE_INTERVALS: list(KLINE_INTERVALS, ["1m"], KLINE_INTERVALS.join(" ")),
  BINANCE_STREAMS: list(STREAM_KINDS, ["bookTicker", "aggTrade", "kline"], STREAM_KINDS.join(" ")),
};

type BinanceEnv = z.infer<z.ZodObject<typeof BINANCE_ENV>>;

export function toBinanceConfig(e: BinanceEnv): BinanceConfig {
  const spot = { restUrl: e.BINANCE_REST_URL ?? DEFAULT_URLS.spot[e.BINANCE_NETWORK].rest, wsUrl: e.BINANCE_WS_URL ?? DEFAULT_URLS.spot[e.BINANCE_NETWORK].ws };
  const futures = {
    restUrl: e.BINANCE_FUTURES_REST_URL ?? DEFAULT_URLS.usdm[e.BINANCE_NETWORK].rest,
    wsUrl: e.BINANCE_FUTURES_WS_URL ?? DEFAULT_URLS.usdm[e.BINANCE_NETWORK].ws,
  };
  const selected = e.BINANCE_MARKET === "spot" ? spot : futures;
  return Object.freeze({
    market: e.BINANCE_MARKET,
    network: e.BINANCE_NETWORK,
    restUrl: selected.restUrl,
    wsUrl: selected.wsUrl,
    spot,
    futures,
    recvWindow: e.BINANCE_RECV_WINDOW,
    symbols: e.BINANCE_SYMBOLS,
    intervals: e.BINANCE_KLINE_INTERVALS,
    streams: e.BINANCE_STREAMS,
  });
}
