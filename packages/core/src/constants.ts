/** Protocol constants with no dependencies: safe to import in the browser as `@bot-core/core/constants`. */

export const PROTOCOL_VERSION = 1;
/** Offered by clients in `Sec-WebSocket-Protocol`; the server selects it. */
export const WS_SUBPROTOCOL = "bot-core.v1";
/** Prefix of the subprotocol value that carries the access token from a browser. */
export const WS_TOKEN_PREFIX = "bearer.";
/** Largest inbound client frame, in bytes. */
export const MAX_CLIENT_FRAME_BYTES = 16 * 1024;
/** Most channels one socket may hold. */
export const MAX_SUBSCRIPTIONS = 200;

/** Path of the bridge's authenticated WebSocket on the edge. */
export const BRIDGE_WS_PATH = "/bridge/ws";
/** Most updates in one batch frame. */
export const MAX_BRIDGE_BATCH = 5000;
/** Largest bridge frame, in bytes: under the 1 MiB a Worker accepts in one WebSocket message. */
export const MAX_BRIDGE_FRAME_BYTES = 1_000_000;
