/**
 * The WebSocket entry of the edge Worker, mounted by workers/api:
 * - `/ws`: client sockets. The access token comes as a `Sec-WebSocket-Protocol` value
 *   (`bearer.<jwt>`, next to `bot-core.v1`) or, failing that, in the first frame. A presented
 *   token that does not verify is refused with 401 before the upgrade.
 * - `/bridge/ws`: the exchange bridge's one socket, authenticated by the bridge token.
 */
import type { Context } from "hono";
import { BRIDGE_WS_PATH, WS_SUBPROTOCOL, WS_SUBPROTOCOL_MSGPACK, WS_TOKEN_PREFIX } from "@bot-core/core";
import { verifyAccessToken } from "../../api/src/auth/access-token";
import type { AppEnv } from "../../api/src/env";
import { ApiError, unauthorized } from "../../api/src/errors";
import { GATEWAY_HEADERS } from "../../../durable-objects/src/gateway";
import { marketFeedOf } from "../../../durable-objects/src/market-feed";

export { BRIDGE_WS_PATH };

function requireUpgrade(c: Context<AppEnv>): void {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "this endpoint only accepts WebSocket upgrades", undefined, { Upgrade: "websocket" });
  }
}

/** FNV-1a: a stable, cheap hash so one user's sockets always land on the same shard. */
export function shardOf(userId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % Math.max(1, shards);
}

export async function handleClientUpgrade(c: Context<AppEnv>): Promise<Response> {
  requireUpgrade(c);
  const offered = (c.req.header("sec-websocket-protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const tokenValue = offered.find((p) => p.startsWith(WS_TOKEN_PREFIX));
  const shards = Number(c.env.GATEWAY_SHARDS) || 1;

  const headers = new Headers();
  for (const name of ["upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions"]) {
    const v = c.req.header(name);
    if (v) headers.set(name, v);
  }
  // MessagePack when the client offers it; JSON otherwise.
  if (offered.includes(WS_SUBPROTOCOL_MSGPACK)) headers.set(GATEWAY_HEADERS.subprotocol, WS_SUBPROTOCOL_MSGPACK);
  else if (offered.includes(WS_SUBPROTOCOL)) headers.set(GATEWAY_HEADERS.subprotocol, WS_SUBPROTOCOL);
  // `?frames=single`: one frame per update, no windowing (for comparisons; batching is the default).
  if (new URL(c.req.url).searchParams.get("frames") === "single") headers.set(GATEWAY_HEADERS.frames, "single");

  let shard: number;
  if (tokenValue) {
    const result = await verifyAccessToken(tokenValue.slice(WS_TOKEN_PREFIX.length), c.env.JWT_SECRET);
    if (!result.ok) {
      throw result.reason === "expired"
        ? unauthorized("the access token has expired", "token_expired")
        : unauthorized("the access token is not valid", "invalid_token");
    }
    shard = shardOf(result.claims.sub, shards);
    headers.set(GATEWAY_HEADERS.userId, result.claims.sub);
    headers.set(GATEWAY_HEADERS.tokenExp, String(result.claims.exp));
  } else {
    // First-frame authentication: any shard will do until the user is known.
    shard = Math.floor(Math.random() * shards);
  }
  const name = `shard-${shard}`;
  headers.set(GATEWAY_HEADERS.shard, name);
  return c.env.GATEWAY.getByName(name).fetch(new Request(c.req.url, { headers }));
}

/** Constant-time comparison of two secrets. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([crypto.subtle.digest("SHA-256", enc.encode(a)), crypto.subtle.digest("SHA-256", enc.encode(b))]);
  return crypto.subtle.timingSafeEqual(da, db);
}

export async function handleBridgeUpgrade(c: Context<AppEnv>): Promise<Response> {
  requireUpgrade(c);
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!presented || !c.env.BRIDGE_TOKEN || !(await sameSecret(presented, c.env.BRIDGE_TOKEN))) {
    throw unauthorized("the bridge token is missing or wrong", "invalid_bridge_token");
  }
  const headers = new Headers();
  for (const name of ["upgrade", "connection", "sec-websocket-key", "sec-websocket-version"]) {
    const v = c.req.header(name);
    if (v) headers.set(name, v);
  }
  return marketFeedOf(c.env).fetch(new Request(c.req.url, { headers }));
}
