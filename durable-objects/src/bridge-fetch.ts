/**
 * How the edge reaches the exchange bridge: by URL when BRIDGE_URL is set (local dev: the bridge
 * is a Node process on 127.0.0.1:8788), otherwise through the BridgeContainer Durable Object, which
 * starts the container and proxies the request to it (production). Every call carries the bridge
 * token; callers set their own timeout with `init.signal`.
 */
import { getContainer } from "@cloudflare/containers";
import type { Env } from "../../workers/api/src/env";

export function bridgeFetch(env: Pick<Env, "BRIDGE_URL" | "BRIDGE_TOKEN" | "BRIDGE_CONTAINER">, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (env.BRIDGE_TOKEN) headers.set("authorization", `Bearer ${env.BRIDGE_TOKEN}`);
  if (env.BRIDGE_URL) return fetch(new URL(path, env.BRIDGE_URL), { ...init, headers });
  return getContainer(env.BRIDGE_CONTAINER).fetch(new Request(new URL(path, "http://bridge.internal"), { ...init, headers }));
}
