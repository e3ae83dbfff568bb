/**
 * The bridge's live trading wiring: the users' sealed API keys (when EXCHANGE_KEYS_SECRET is set),
 * the HTTP routes the edge calls for them, the durable execution-report outbox and the
 * reconciler of open live orders. bridge.ts mounts `routes` and calls `close` on stop.
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
import { Reconciler } from "./reconciler";
import { ReportOutbox, REPORTS_FILE_NAME } from "./report-outbox";
import { KEYS_FILE_NAME, SqliteSealedKeyStore } from "./sqlite-key-store";

export interface LiveTrading {
  readonly routes: Hono;
  readonly keyring: ApiKeyring | undefined;
  readonly accounts: LiveAccounts | undefined;
  readonly reporter: ExecutionReporter;
  readonly outbox: ReportOutbox;
  readonly reconciler: Reconciler | undefined;
  close(): Promise<void>;
}

export async function startLiveTrading(
  config: Pick<BridgeConfig, "dataDir" | "bridgeToken" | "exchangeKeysSecret" | "exchangeKeysVersion" | "edgeUrl" | "binance"> & Partial<Pick<BridgeConfig, "liveReconcileAfterMs">>,
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
  const outbox = ReportOutbox.open(path.join(config.dataDir, REPORTS_FILE_NAME));
  if (outbox.pending > 0) log.info("execution reports from before the restart are sent first", { reports: outbox.pending });
  const reporter = new ExecutionReporter({ edgeUrl: config.edgeUrl, token: config.bridgeToken, outbox, log });
  const accounts = keyring ? new LiveAccounts({ keyring, binance: config.binance, reporter, log }) : undefined;
  const reconciler = accounts
    ? new Reconciler({ outbox, reporter, exchangeFor: (userId, venue) => accounts.exchangeFor(userId, venue), staleAfterMs: config.liveReconcileAfterMs ?? 30_000, log })
    : undefined;
  void reconciler?.start().catch(() => undefined);
  const routes = new Hono();
  routes.route("/", keyRoutes({ keyring, store, token: config.bridgeToken, log, onChange: (userId, venue) => void accounts?.forget(userId, venue) }));
  routes.route("/", orderRoutes({ accounts, reporter, token: config.bridgeToken, log }));
  return {
    routes,
    keyring,
    accounts,
    reporter,
    outbox,
    reconciler,
    close: async () => {
      await reconciler?.close();
      await accounts?.close();
      await reporter.close();
      outbox.close();
      store?.close();
    },
  };
}
