/**
 * Test fixture: the bridge's live trading (routes mounted in the app) against the fake Binance on
 * 127.0.0.1 — it stands in for Binance's network, the one thing that cannot run here — sending
 * execution reports to a real HTTP edge stand-in on 127.0.0.1, over a fresh DATA_DIR, with one
 * user's API keys already stored through `PUT /v1/exchange/keys`. BTCUSDT trades at 60000 on the
 * venue, whose filters are `VENUE_BTCUSDT`.
 *
 * @example
 * const bridge = await startLiveBridge({ token: TOKEN, userId: "user-1" });
 * await bridge.app.request("/v1/orders", { method: "POST", headers: bridge.headers, body });
 * await bridge.close();
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../config";
import { createLogger, type Logger } from "../../log";
import { startExecutionsEdge, type ExecutionsEdge } from "../../testing/executions-edge";
import { startFakeBinance, type FakeBinance } from "../../testing/fake-binance";
import { routesApp } from "../../testing/routes-app";
import { startLiveTrading, type LiveTrading } from "../live";
import { exchangeInfoWithVenueRules } from "./venue-info";

/** The user's Binance API key pair, known to the fake Binance. */
export const LIVE_ACCOUNT = { apiKey: "fakeUserApiKey0123456789abcdefXYZ9", secret: "fakeUserSecret0123456789abcdef0123" } as const;

export interface LiveBridge {
  readonly dir: string;
  readonly fake: FakeBinance;
  readonly edge: ExecutionsEdge;
  readonly live: LiveTrading;
  readonly app: ReturnType<typeof routesApp>;
  /** Bearer token + JSON content type for the bridge's routes. */
  readonly headers: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export interface LiveBridgeOptions {
  readonly token: string;
  /** The user whose keys are stored (binance-spot). */
  readonly userId: string;
  /** More bridge environment (e.g. LIVE_RECONCILE_AFTER_MS). */
  readonly env?: Readonly<Record<string, string>>;
  /** Default: silent. */
  readonly log?: Logger;
}

export async function startLiveBridge(options: LiveBridgeOptions): Promise<LiveBridge> {
  const log = options.log ?? createLogger({ write: () => {} });
  const dir = mkdtempSync(path.join(tmpdir(), "live-bridge-"));
  const fake = await startFakeBinance({ accounts: [LIVE_ACCOUNT], exchangeInfo: exchangeInfoWithVenueRules() });
  fake.setPrice("BTCUSDT", "60000");
  const edge = await startExecutionsEdge({ token: options.token });
  const config = loadConfig({
    BRIDGE_TOKEN: options.token,
    EXCHANGE_KEYS_SECRET: "exchange-keys-secret-0123456789abcdef",
    EDGE_URL: edge.url,
    DATA_DIR: dir,
    BINANCE_REST_URL: fake.url,
    BINANCE_WS_URL: fake.wsUrl,
    BINANCE_RECV_WINDOW: "500",
    ...options.env,
  });
  const live = await startLiveTrading(config, { log });
  const app = routesApp({ log, exchange: live.routes });
  const headers = { authorization: `Bearer ${options.token}`, "content-type": "application/json" };
  const keys = { userId: options.userId, venue: "binance-spot", apiKey: LIVE_ACCOUNT.apiKey, apiSecret: LIVE_ACCOUNT.secret };
  const close = async () => {
    await live.close();
    await fake.close();
    await edge.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const put = await app.request("/v1/exchange/keys", { method: "PUT", headers, body: JSON.stringify(keys) });
  if (put.status !== 200) {
    const text = await put.text();
    await close();
    throw new Error(`storing the user's keys failed: ${put.status} ${text}`);
  }
  return { dir, fake, edge, live, app, headers, close };
}
