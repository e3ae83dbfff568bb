/**
 * Builds the Binance market source from the bridge configuration (public data only: no API key).
 */
import { z } from "zod";
import type { Logger } from "../log";
import { CircuitBreaker, logBreakerChanges } from "./circuit-breaker";
import { ServerClock } from "./clock";
import type { BinanceConfig } from "./config";
import { ENDPOINTS } from "./endpoints";
import { BinanceMarketSource } from "./market-source";
import { RequestBudget, SPOT_LIMITS, USDM_LIMITS } from "./rate-limits";
import { BinanceRest } from "./rest";

export function createBinanceMarketSource(config: BinanceConfig, log: Logger): BinanceMarketSource {
  const e = ENDPOINTS[config.market];
  let rest!: BinanceRest;
  const clock = new ServerClock({
    fetchServerTime: async () => z.object({ serverTime: z.number().int().positive() }).parse((await rest.request({ method: "GET", path: e.time, weight: e.weights.time, idempotent: true })).body).serverTime,
  });
  rest = new BinanceRest({
    baseUrl: config.restUrl,
    clock,
    budget: new RequestBudget({ limits: config.market === "spot" ? SPOT_LIMITS : USDM_LIMITS }),
    breaker: new CircuitBreaker({ onStateChange: logBreakerChanges(log) }),
    recvWindow: config.recvWindow,
    log,
  });
  return new BinanceMarketSource({
    market: config.market,
    wsBaseUrl: config.wsUrl,
    rest,
    symbols: config.symbols,
    intervals: config.intervals,
    kinds: config.streams,
    log,
  });
}
