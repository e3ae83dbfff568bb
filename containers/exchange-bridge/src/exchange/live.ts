/**
 * The bridge's live trading wiring: the users' sealed API keys (when EXCHANGE_KEYS_SECRET is set)
 * and the HTTP routes the edge calls for them. bridge.ts mounts `routes` and calls `close` on stop.
 *
 * @example
 * const live = await startLiveTrading(config, { log });
 * createApp({ ..., exchange: live.routes });
 */
import path from "node:path";
import { Hono } from "hono";
import type { BridgeConfig } from "../config";
import type { Logger } from "../log";
import { ExecutionReporter } from "./execution-reports";
import { keyRoutes } from "./key-routes";
import { LiveAccounts } from "./live-accounts";
import { orderRoutes } from "./order-routes";
import { ApiKeyring, KeyVault } from "./keystore";
import { KEYS_FILE_NAME, SqliteSealedKeyStore } from "./sqlite-key-store";

export interface LiveTrading {
  readonly routes: Hono;
  readonly keyring: ApiKeyring | undefined;
  readonly accounts: LiveAccounts | undefined;
  readonly reporter: ExecutionReporter;
  close(): Promise<void>;
}

export async function startLiveTrading(
  config: Pick<BridgeConfig, "dataDir" | "bridgeToken" | "exchangeKeysSecret" | "exchangeKeysVersion" | "edgeUrl" | "binance">,
  deps: { readonly log: Logger },
): Promise<LiveTrading> {
  const log = deps.log.child({ component: "live" });
  let store: SqliteSealedKeyStore | undefined;
  let keyring: ApiKeyring | undefined;
  if (config.exchangeKeysSecret) {
    const vault = await KeyVault.create([{ version: config.exchangeKeysVersion, secret: config.exchangeKeysSecret }]);
    store = SqliteSealedKeyStore.open(path.join(config.dataDir, KEYS_FILE_NAME));
    keyring = new ApiKeyring(vault, store);
  } else {
    log.warn("EXCHANGE_KEYS_SECRET is not set: exchange API keys cannot be stored and live trading is off");
  }
  const reporter = new ExecutionReporter({ edgeUrl: config.edgeUrl, token: config.bridgeToken, log });
  const accounts = keyring ? new LiveAccounts({ keyring, binance: config.binance, reporter, log }) : undefined;
  const routes = new Hono();
  routes.route("/", keyRoutes({ keyring, store, token: config.bridgeToken, log, onChange: (userId, venue) => void accounts?.forget(userId, venue) }));
  routes.route("/", orderRoutes({ accounts, reporter, token: config.bridgeToken, log }));
  return {
    routes,
    keyring,
    accounts,
    reporter,
    close: async () => {
      await accounts?.close();
      reporter.close();
      store?.close();
    },
  };
}
