/**
 * A typed client for the edge's `/ws` socket (protocol v1), for the browser and Node 22 (both
 * have a global `WebSocket`). No framework: state is read with getters and watched with `on()`.
 *
 * - Authenticates with the subprotocols `["bot-core.v1", "bearer.<accessToken>"]` (MessagePack:
 *   `["bot-core.v1.msgpack", "bot-core.v1", "bearer.…"]` with `codec: msgpackCodec`).
 * - Remembers its channels and subscribes again after every reconnect.
 * - Reconnects with exponential backoff (1, 2, 4, 8 … 30 s) plus jitter; the schedule restarts
 *   once the server has welcomed a connection.
 * - Close code 1008 or 4401 means the token was refused: the next attempt gets a new token first.
 * - Sends a ping every heartbeat and drops a connection that stays silent for two.
 * - Validates inbound frames by hand: malformed frames and unknown types are ignored, and a
 *   market update (ticker, kline, signal) whose prices are not decimal strings is dropped.
 * - Acknowledges market-data frames every MD_ACK_EVERY (at once on a slow-consumer warning) and
 *   every private event; private events arrive once each, in sequence order: a duplicate is
 *   dropped, a gap (or a reconnect) sends `resume {sessionId, lastSeq}` and the server replays
 *   what was missed.
 *
 * @example
 * const rt = createRealtimeClient({ url: "ws://127.0.0.1:8787/ws", getToken: async () => token });
 * rt.on("market", ({ updates }) => console.log(updates));
 * rt.subscribe(["ticker:BTCUSDT", "signals:BTCUSDT"]);
 * rt.connect();
 */
import type { Channel, ClientFrame } from "@bot-core/core";
import { WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from "@bot-core/core/constants";
import { jsonCodec, type FrameCodec } from "./codec";
import { readServerFrame, type InboundFrame, type MarketFrameUpdate, type PrivateStreamEvent } from "./frames";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/**
 * The part of a WebSocket this client uses: the browser's and Node 22's global `WebSocket` fit,
 * and tests inject a fake one.
 */
export interface SocketLike {
  readonly readyState: number;
  /** The subprotocol the server selected ("" or absent when unknown). */
  readonly protocol?: string;
  binaryType?: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

/** A private event as handed to listeners: its sequence number, and whether it came by replay. */
export type PrivateEventDelivery = PrivateStreamEvent & { seq: number; replay: boolean };

/** What `on()` can watch. */
export interface RealtimeEvents {
  /** The connection state or the last error changed. */
  state: { state: ConnectionState; lastError: string | null };
  market: { updates: MarketFrameUpdate[]; sentAt: number };
  /** Private events, each once, in sequence order. */
  event: PrivateEventDelivery;
  /** A resume was answered (replayed events came before it). */
  resumed: { lastSeq: number; replayed: number; channels: string[] };
  /** An error frame from the server. */
  error: { code: string; message: string };
  /** A warning frame (e.g. slow_consumer). */
  warning: { code: string; message: string };
}

export interface RealtimeOptions {
  /** Full ws:// or wss:// URL of `/ws`. */
  url: string;
  /** An access token; `force` asks for a freshly refreshed one. Null means signed out: stop. */
  getToken: (force: boolean) => Promise<string | null>;
  /** Defaults to the global `WebSocket` (browser, Node 22). */
  createSocket?: SocketFactory;
  /** JSON by default; `msgpackCodec` from `@bot-core/realtime-client/msgpack` for MessagePack. */
  codec?: FrameCodec;
  onMarket?: (updates: MarketFrameUpdate[], sentAt: number) => void;
  /** Private events, each once, in sequence order. */
  onEvent?: (event: PrivateEventDelivery) => void;
  onServerError?: (error: { code: string; message: string }) => void;
  /** This tab's (or process's) session id: subscriptions are restored to it after a reconnect. Random by default. */
  sessionId?: string;
  /** The last private event already handled elsewhere (e.g. by a previous process): resume after it on connect. */
  lastSeq?: number;
  heartbeatMs?: number;
  random?: () => number;
}

export interface RealtimeClient {
  readonly state: ConnectionState;
  /** The last error reported by the server or met while connecting, for display. */
  readonly lastError: string | null;
  /** The last private event handled (null before the first). */
  readonly lastSeq: number | null;
  readonly sessionId: string;
  /** Channels this client wants (subscribed again after every reconnect). */
  readonly channels: ReadonlySet<Channel>;
  /** Calls `listener` for every `type` notification; returns the function that stops it. */
  on<K extends keyof RealtimeEvents>(type: K, listener: (value: RealtimeEvents[K]) => void): () => void;
  connect(): void;
  subscribe(channels: readonly Channel[]): void;
  unsubscribe(channels: readonly Channel[]): void;
  /** Skips the remaining backoff (e.g. when the browser comes back online). */
  reconnectNow(): void;
  close(): void;
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;
/** Jitter adds up to this fraction of the base delay. */
export const BACKOFF_JITTER = 0.2;
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** Close codes that mean "your token was refused". */
export const AUTH_CLOSE_CODES: ReadonlySet<number> = new Set([1008, 4401]);
/** Market-data frames between acknowledgements (the server tolerates 1,000). */
export const MD_ACK_EVERY = 100;

const WS_OPEN = 1;

/**
 * Delay before reconnect attempt `attempt` (0-based): 1, 2, 4, 8, 16, 30, 30 … seconds, plus up
 * to 20% jitter so a fleet of clients does not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 15)));
  return Math.round(base + base * BACKOFF_JITTER * random());
}

/** `ws(s)://<host>/ws` for a page (or API base URL) at `location`. */
export function socketUrlFor(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
}

function globalSocketFactory(): SocketFactory {
  const Ctor = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => unknown }).WebSocket;
  if (!Ctor) throw new Error("no global WebSocket: pass createSocket (Node 22 and browsers have one)");
  // The DOM's event types are richer than SocketLike's; the members used here are the same.
  return (url, protocols) => new Ctor(url, protocols) as SocketLike;
}

type Listeners = { [K in keyof RealtimeEvents]: Set<(value: RealtimeEvents[K]) => void> };

export function createRealtimeClient(options: RealtimeOptions): RealtimeClient {
  const createSocket: SocketFactory = options.createSocket ?? globalSocketFactory();
  const codec = options.codec ?? jsonCodec;
  const random = options.random ?? Math.random;
  const listeners: Listeners = { state: new Set(), market: new Set(), event: new Set(), resumed: new Set(), error: new Set(), warning: new Set() };

  function emit<K extends keyof RealtimeEvents>(type: K, value: RealtimeEvents[K]): void {
    for (const l of [...listeners[type]]) l(value);
  }

  let state: ConnectionState = "closed";
  let lastError: string | null = null;
  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    emit("state", { state, lastError });
  };
  const setLastError = (next: string | null) => {
    if (next === lastError) return;
    lastError = next;
    emit("state", { state, lastError });
  };

  const channels = new Set<Channel>();
  let socket: SocketLike | null = null;
  /** How frames go out on the current socket (JSON when a MessagePack offer was declined). */
  let wire: FrameCodec = codec;
  let stopped = true;
  /** Failed attempts since the last welcome; drives the backoff. */
  let attempt = 0;
  /** Handshakes that failed before opening (a 401 on upgrade looks exactly like this). */
  let handshakeFailures = 0;
  let needFreshToken = false;
  let heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  let lastInbound = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  /** Bumped for every socket so events and token lookups of an old one are ignored. */
  let generation = 0;
  const sessionId = options.sessionId ?? `tab-${Math.floor(random() * 2 ** 48).toString(36)}${Date.now().toString(36)}`;
  /** Last private event handled (null until the first one: a fresh tab reads state over REST). */
  let lastSeq: number | null = options.lastSeq ?? null;
  let mdAcked = 0;
  let mdReceived = 0;
  let resumePending = false;

  function send(frame: ClientFrame): void {
    if (socket && socket.readyState === WS_OPEN) socket.send(wire.encode(frame));
  }

  function resume(): void {
    if (lastSeq === null || resumePending) return;
    resumePending = true;
    send({ type: "resume", sessionId, lastSeq });
  }

  function stopHeartbeat(): void {
    if (heartbeatTimer !== undefined) clearInterval(heartbeatTimer);
    heartbeatTimer = undefined;
  }

  function startHeartbeat(): void {
    stopHeartbeat();
    heartbeatTimer = setInterval(() => {
      if (Date.now() - lastInbound > 2 * heartbeatMs) {
        drop("the connection went silent");
        return;
      }
      send({ type: "ping" });
    }, heartbeatMs);
  }

  function detach(ws: SocketLike): void {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  }

  function scheduleReconnect(): void {
    if (stopped) return;
    setState("reconnecting");
    const delay = backoffDelay(attempt, random);
    attempt++;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void open(), delay);
  }

  /** Abandons the current socket (without waiting for its close handshake) and retries. */
  function drop(reason: string): void {
    stopHeartbeat();
    const ws = socket;
    socket = null;
    generation++;
    if (ws) {
      detach(ws);
      try {
        ws.close(4000, reason);
      } catch {
        // already closing
      }
    }
    setLastError(reason);
    scheduleReconnect();
  }

  function handleFrame(frame: InboundFrame): void {
    switch (frame.type) {
      case "welcome":
        attempt = 0;
        handshakeFailures = 0;
        setLastError(null);
        if (frame.heartbeatMs && frame.heartbeatMs >= 5_000 && frame.heartbeatMs <= 120_000 && frame.heartbeatMs !== heartbeatMs) {
          heartbeatMs = frame.heartbeatMs;
          startHeartbeat();
        }
        setState("open");
        mdAcked = 0;
        mdReceived = 0;
        resumePending = false;
        if (channels.size > 0) send({ type: "subscribe", channels: [...channels] });
        resume();
        return;
      case "md":
        if (frame.n !== undefined) mdReceived = frame.n;
        if (frame.updates.length > 0) {
          options.onMarket?.(frame.updates, frame.sentAt);
          emit("market", { updates: frame.updates, sentAt: frame.sentAt });
        }
        if (frame.n !== undefined && frame.n - mdAcked >= MD_ACK_EVERY) {
          mdAcked = frame.n;
          send({ type: "ack", md: frame.n });
        }
        return;
      case "event": {
        if (lastSeq !== null && frame.seq <= lastSeq) {
          send({ type: "ack", seq: lastSeq }); // a resend of something handled
          return;
        }
        if (lastSeq !== null && frame.seq > lastSeq + 1) {
          resume(); // a gap: the replay brings the missing ones in order
          return;
        }
        lastSeq = frame.seq;
        const delivery: PrivateEventDelivery = { seq: frame.seq, ...frame.event, replay: frame.replay };
        options.onEvent?.(delivery);
        emit("event", delivery);
        send({ type: "ack", seq: frame.seq });
        return;
      }
      case "resumed":
        resumePending = false;
        emit("resumed", { lastSeq: frame.lastSeq, replayed: frame.replayed, channels: frame.channels });
        if (frame.more) resume();
        return;
      case "warning":
        // A slow-consumer warning: acknowledge what arrived at once.
        if (mdReceived > mdAcked) {
          mdAcked = mdReceived;
          send({ type: "ack", md: mdReceived });
        }
        emit("warning", { code: frame.code, message: frame.message });
        return;
      case "error":
        setLastError(frame.message);
        options.onServerError?.({ code: frame.code, message: frame.message });
        emit("error", { code: frame.code, message: frame.message });
        return;
      default:
        // subscribed / unsubscribed / pong: liveness is all they tell us.
        return;
    }
  }

  async function open(): Promise<void> {
    if (stopped) return;
    const gen = ++generation;
    if (attempt === 0 && state !== "reconnecting") setState("connecting");
    const force = needFreshToken || handshakeFailures >= 2;
    let token: string | null;
    try {
      token = await options.getToken(force);
    } catch {
      if (gen !== generation || stopped) return;
      setLastError("could not renew the session");
      scheduleReconnect();
      return;
    }
    if (gen !== generation || stopped) return;
    if (force) {
      needFreshToken = false;
      handshakeFailures = 0;
    }
    if (!token) {
      // Signed out: nothing to reconnect for.
      stopped = true;
      setState("closed");
      return;
    }

    const protocols = codec.subprotocol === WS_SUBPROTOCOL ? [WS_SUBPROTOCOL] : [codec.subprotocol, WS_SUBPROTOCOL];
    let ws: SocketLike;
    try {
      ws = createSocket(options.url, [...protocols, WS_TOKEN_PREFIX + token]);
      if (codec !== jsonCodec) ws.binaryType = "arraybuffer";
    } catch {
      setLastError("could not open a connection");
      scheduleReconnect();
      return;
    }
    socket = ws;
    wire = codec;
    let opened = false;

    ws.onopen = () => {
      if (gen !== generation) return;
      opened = true;
      // The server may decline MessagePack and pick JSON.
      wire = ws.protocol === WS_SUBPROTOCOL ? jsonCodec : codec;
      lastInbound = Date.now();
      startHeartbeat();
    };
    ws.onmessage = (event) => {
      if (gen !== generation) return;
      lastInbound = Date.now();
      const frame = readServerFrame(codec.decode(event.data));
      if (frame) handleFrame(frame);
    };
    ws.onerror = () => {
      // Always followed by a close event; the close handler decides what to do.
    };
    ws.onclose = (event) => {
      if (gen !== generation) return;
      detach(ws);
      socket = null;
      stopHeartbeat();
      if (AUTH_CLOSE_CODES.has(event.code)) {
        needFreshToken = true;
        setLastError("the session token was refused; renewing it");
      } else if (!opened) {
        handshakeFailures++;
      }
      if (stopped) {
        setState("closed");
        return;
      }
      scheduleReconnect();
    };
  }

  return {
    get state() {
      return state;
    },
    get lastError() {
      return lastError;
    },
    get lastSeq() {
      return lastSeq;
    },
    sessionId,
    channels,

    on(type, listener) {
      const set = listeners[type] as Set<typeof listener>;
      set.add(listener);
      return () => void set.delete(listener);
    },

    connect() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      handshakeFailures = 0;
      setState("connecting");
      void open();
    },

    subscribe(list) {
      const added = list.filter((c) => !channels.has(c));
      for (const c of added) channels.add(c);
      if (added.length > 0 && state === "open") send({ type: "subscribe", channels: added });
    },

    unsubscribe(list) {
      const removed = list.filter((c) => channels.has(c));
      for (const c of removed) channels.delete(c);
      if (removed.length > 0 && state === "open") send({ type: "unsubscribe", channels: removed });
    },

    reconnectNow() {
      if (stopped || state !== "reconnecting") return;
      clearTimeout(retryTimer);
      void open();
    },

    close() {
      stopped = true;
      clearTimeout(retryTimer);
      stopHeartbeat();
      generation++;
      const ws = socket;
      socket = null;
      if (ws) {
        detach(ws);
        try {
          ws.close(1000, "client closed");
        } catch {
          // already closing
        }
      }
      setState("closed");
    },
  };
}
