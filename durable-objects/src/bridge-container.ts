/**
 * BridgeContainer: runs the exchange bridge image (containers/exchange-bridge/Dockerfile) as a
 * Cloudflare Container in production. Locally there is no Docker engine: `[dev]
 * enable_containers = false`, the bridge runs as a Node process and the edge reaches it by
 * BRIDGE_URL. Calling this class while containers are disabled throws, so nothing calls it locally.
 */
import { Container } from "@cloudflare/containers";
import type { Env } from "../../workers/api/src/env";

export class BridgeContainer extends Container<Env> {
  override defaultPort = 8788;

  constructor(ctx: DurableObjectState<{}>, env: Env) {
    super(ctx, env);
    // The bridge's configuration (containers/exchange-bridge/src/config.ts): the shared token,
    // where the edge is, and the secrets only the bridge uses. Empty values count as unset there.
    this.envVars = {
      PORT: "8788",
      HOST: "0.0.0.0",
      EDGE_URL: env.EDGE_PUBLIC_URL,
      BRIDGE_TOKEN: env.BRIDGE_TOKEN,
      EXCHANGE_KEYS_SECRET: env.EXCHANGE_KEYS_SECRET ?? "",
      MONGODB_URI: env.MONGODB_URI ?? "",
      BRIDGE_ID: `container-${env.ENVIRONMENT}`,
    };
  }
  /** Keep the exchange connection up between requests; the bridge itself is long-lived. */
  override sleepAfter = "24h";
  override enableInternet = true;

  override onStart(): void {
    console.log(JSON.stringify({ level: "info", msg: "bridge container started" }));
  }

  override onError(error: unknown): void {
    console.error(JSON.stringify({ level: "error", msg: "bridge container error", error: String(error) }));
  }
}
