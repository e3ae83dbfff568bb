/** Protocol constants with no dependencies: safe to import in the browser as `@bot-core/core/constants`. */

export const PROTOCOL_VERSION = 1;
/** Offered by clients in `Sec-WebSocket-Protocol`; the server selects it. */
export const WS_SUBPROTOCOL = "bot-core.v1";
/** Offered instead (or first) for MessagePack frames in both directions. */
export const WS_SUBPROTOCOL_MSGPACK = "bot-core.v1.msgpack";
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

/** Client frames one connection may send per second; over it: an error frame, then close 1008. */
export const MAX_CLIENT_FRAMES_PER_SEC = 100;
/** Open sockets one user may hold (all of a user's sockets land on one gateway shard). */
export const MAX_SOCKETS_PER_USER = 10;
/** Market-data frames a connection may leave unacknowledged before a warning; twice that closes it. */
export const SLOW_CONSUMER_FRAMES = 1000;
/** A socket with no frame and no heartbeat for this long is closed. */
export const IDLE_TIMEOUT_MS = 5 * 60_000;
/** Unacknowledged private events are resent this many times (backoff 1, 2, 4 s), then wait for a resume. */
export const EVENT_RESENDS = 3;
/** Most private events replayed per resume frame (`more: true` asks the client to resume again). */
export const MAX_REPLAY = 500;
