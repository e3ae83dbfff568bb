/** Bindings of the edge Worker (see wrangler.toml). Secrets come from .dev.vars locally. */
import type { UserAccount, SymbolHub, Gateway, MarketFeed, Telemetry, BridgeContainer } from "../../../durable-objects/src";

export interface Env {
  ENVIRONMENT: string;
  BRIDGE_URL: string;
  GATEWAY_SHARDS: string;
  /** HS256 signing key for access tokens (secret). */
  JWT_SECRET: string;
  /** Shared secret the exchange bridge presents on /bridge/ws (secret). */
  BRIDGE_TOKEN: string;
  DB: D1Database;
  CACHE: KVNamespace;
  USER_ACCOUNT: DurableObjectNamespace<UserAccount>;
  SYMBOL_HUB: DurableObjectNamespace<SymbolHub>;
  GATEWAY: DurableObjectNamespace<Gateway>;
  MARKET_FEED: DurableObjectNamespace<MarketFeed>;
  TELEMETRY: DurableObjectNamespace<Telemetry>;
  BRIDGE_CONTAINER: DurableObjectNamespace<BridgeContainer>;
  ASSETS?: Fetcher;
}

/** Hono context typing shared by every route. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    userId: string;
  };
}
