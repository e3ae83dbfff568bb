/**
 * A small typed browser client for the edge's `/ws` socket (protocol v1).
 *
 * - Authenticates with the subprotocols `["bot-core.v1", "bearer.<accessToken>"]`.
 * - Remembers its channels and subscribes again after every reconnect.
 * - Reconnects with exponential backoff (1, 2, 4, 8 … 30 s) plus jitter; the schedule restarts
 *   once the server has welcomed a connection.
 * - Close code 1008 or 4401 means the token was refused: the next attempt gets a new token first.
 * - Sends `{"type":"ping"}` every heartbeat and drops a connection that stays silent for two.
 * - Validates inbound frames minimally: malformed frames and unknown types are ignored, and a
 *   market update whose prices are not decimal strings is dropped.
 * - Acknowledges market-data frames every MD_ACK_EVERY (the gateway closes consumers that fall
 *   far behind) and every private event; private events arrive once each, in sequence order: a
 *   duplicate is dropped, a gap (or a reconnect) sends `resume {sessionId, lastSeq}` and the
 *   server replays what was missed.
 *
 * @example
 * const rt = createRealtimeClient({ url: defaultSocketUrl(), getToken: (force) => session.freshToken({ force }), onMarket: prices.apply });
 * rt.subscribe(["ticker:BTCUSDT"]);
 * rt.connect();
 */
import { createSignal, type Accessor } from "solid-js";
import type { Channel, KlineUpdate, TickerUpdate, WsErrorCode } from "@bot-core/core";
import { WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from "@bot-core/core/constants";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/** The part of the browser WebSocket this client uses (a fake one is injected in tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export type TickerFrameUpdate = TickerUpdate & { channel: Channel };
export type KlineFrameUpdate = KlineUpdate & { channel: Channel };
export type MarketFrameUpdate = TickerFrameUpdate | KlineFrameUpdate;

/** Inbound frames this client understands, after validation. */
export type InboundFrame =
  | { type: "welcome"; userId: string; serverTime: number; heartbeatMs?: number }
  | { type: "subscribed" | "unsubscribed"; channels: string[]; id?: string }
  | { type: "pong" }
  | { type: "md"; n?: number; sentAt: number; updates: MarketFrameUpdate[] }
  | { type: "event"; seq: number; event: PrivateStreamEvent; replay: boolean }
  | { type: "resumed"; lastSeq: number; replayed: number; more: boolean }
  | { type: "error"; code: WsErrorCode | string; message: string; id?: string };

/** One event of the user's private stream (orders, fills, positions, balance). */
export interface PrivateStreamEvent {
  type: string;
  ts: number;
  payload: unknown;
}

export interface RealtimeOptions {
  /** Full ws:// or wss:// URL of `/ws`. */
  url: string;
  /** An access token; `force` asks for a freshly refreshed one. Null means signed out: stop. */
  getToken: (force: boolean) => Promise<string | null>;
  createSocket?: SocketFactory;
  onMarket?: (updates: MarketFrameUpdate[], sentAt: number) => void;
  /** Private events, each once, in sequence order. */
  onEvent?: (event: PrivateStreamEvent & { seq: number }) => void;
  /** This tab's session id (subscriptions are restored to it after a reconnect); random by default. */
  sessionId?: string;
  onServerError?: (error: { code: string; message: string }) => void;
  heartbeatMs?: number;
  random?: () => number;
}

export interface RealtimeClient {
  readonly state: Accessor<ConnectionState>;
  /** The last error reported by the server or met while connecting, for display. */
  readonly lastError: Accessor<string | null>;
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

const WS_OPEN = 1;
/** Market-data frames between acknowledgements (the server tolerates 1,000). */
export const MD_ACK_EVERY = 100;

/**
 * Delay before reconnect attempt `attempt` (0-based): 1, 2, 4, 8, 16, 30, 30 … seconds, plus up
 * to 20% jitter so a fleet of clients does not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 15)));
  return Math.round(base + base * BACKOFF_JITTER * random());
}

/** `ws(s)://<host>/ws` for the page's own origin. */
export function defaultSocketUrl(location: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
}

// ---------------------------------------------------------------------------------------------
// Inbound validation: minimal, by hand (no schema library in the browser bundle).

const DECIMAL_RE = /^-?(0|[1-9]\d{0,29})(\.\d{1,18})?$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isDec = (v: unknown): v is string => isStr(v) && DECIMAL_RE.test(v);

function parseUpdate(u: unknown): MarketFrameUpdate | null {
  if (!isObj(u) || !isStr(u.channel) || !isStr(u.symbol) || !isNum(u.eventTime) || !isNum(u.bridgeTime)) return null;
  if (u.kind === "ticker") {
    if (!isDec(u.price) || !isDec(u.bid) || !isDec(u.ask) || !isDec(u.bidQty) || !isDec(u.askQty)) return null;
    return u as unknown as TickerFrameUpdate;
  }
  if (u.kind === "kline") {
    if (!isStr(u.interval) || !isNum(u.openTime) || !isNum(u.closeTime) || typeof u.closed !== "boolean") return null;
    if (!isDec(u.open) || !isDec(u.high) || !isDec(u.low) || !isDec(u.close) || !isDec(u.volume)) return null;
    return u as unknown as KlineFrameUpdate;
  }
  return null;
}

/** Parses one text frame; null for anything malformed or of a type this client does not know. */
export function parseServerFrame(data: unknown): InboundFrame | null {
  if (!isStr(data)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObj(raw) || !isStr(raw.type)) return null;
  switch (raw.type) {
    case "welcome":
      if (!isStr(raw.userId) || !isNum(raw.serverTime)) return null;
      return { type: "welcome", userId: raw.userId, serverTime: raw.serverTime, ...(isNum(raw.heartbeatMs) ? { heartbeatMs: raw.heartbeatMs } : {}) };
    case "subscribed":
    case "unsubscribed":
      if (!Array.isArray(raw.channels) || !raw.channels.every(isStr)) return null;
      return { type: raw.type, channels: raw.channels, ...(isStr(raw.id) ? { id: raw.id } : {}) };
    case "pong":
      return { type: "pong" };
    case "md": {
      if (!isNum(raw.sentAt) || !Array.isArray(raw.updates)) return null;
      const updates: MarketFrameUpdate[] = [];
      for (const u of raw.updates) {
        const parsed = parseUpdate(u);
        if (parsed) updates.push(parsed);
      }
      return { type: "md", ...(isNum(raw.n) ? { n: raw.n } : {}), sentAt: raw.sentAt, updates };
    }
    case "event": {
      if (!isNum(raw.seq) || !isObj(raw.event) || !isStr(raw.event.type) || !isNum(raw.event.ts)) return null;
      return { type: "event", seq: raw.seq, event: { type: raw.event.type, ts: raw.event.ts, payload: raw.event.payload }, replay: raw.replay === true };
    }
    case "resumed":
      if (!isNum(raw.lastSeq) || !isNum(raw.replayed)) return null;
      return { type: "resumed", lastSeq: raw.lastSeq, replayed: raw.replayed, more: raw.more === true };
    case "error":
      if (!isStr(raw.code) || !isStr(raw.message)) return null;
      return { type: "error", code: raw.code, message: raw.message, ...(isStr(raw.id) ? { id: raw.id } : {}) };
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------

export function createRealtimeClient(options: RealtimeOptions): RealtimeClient {
  const createSocket: SocketFactory = options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols));
  const random = options.random ?? Math.random;

  const [state, setState] = createSignal<ConnectionState>("closed");
  const [lastError, setLastError] = createSignal<string | null>(null);
  const channels = new Set<Channel>();

  let socket: SocketLike | null = null;
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
  let lastSeq: number | null = null;
  let mdAcked = 0;
  let resumePending = false;

  function resume(): void {
    if (lastSeq === null || resumePending) return;
    resumePending = true;
    send({ type: "resume", sessionId, lastSeq });
  }

  function send(frame: object): void {
    if (socket && socket.readyState === WS_OPEN) socket.send(JSON.stringify(frame));
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
        resumePending = false;
        if (channels.size > 0) send({ type: "subscribe", channels: [...channels] });
        resume();
        return;
      case "md":
        if (frame.updates.length > 0) options.onMarket?.(frame.updates, frame.sentAt);
        if (frame.n !== undefined && frame.n - mdAcked >= MD_ACK_EVERY) {
          mdAcked = frame.n;
          send({ type: "ack", md: frame.n });
        }
        return;
      case "event":
        if (lastSeq !== null && frame.seq <= lastSeq) {
          send({ type: "ack", seq: lastSeq }); // a resend of something handled
          return;
        }
        if (lastSeq !== null && frame.seq > lastSeq + 1) {
          resume(); // a gap: the replay brings the missing ones in order
          return;
        }
        lastSeq = frame.seq;
        options.onEvent?.({ seq: frame.seq, ...frame.event });
        send({ type: "ack", seq: frame.seq });
        return;
      case "resumed":
        resumePending = false;
        if (frame.more) resume();
        return;
      case "error":
        setLastError(frame.message);
        options.onServerError?.({ code: frame.code, message: frame.message });
        return;
      default:
        // subscribed / unsubscribed / pong: liveness is all they tell us.
        return;
    }
  }

  async function open(): Promise<void> {
    if (stopped) return;
    const gen = ++generation;
    if (attempt === 0 && state() !== "reconnecting") setState("connecting");
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

    let ws: SocketLike;
    try {
      ws = createSocket(options.url, [WS_SUBPROTOCOL, WS_TOKEN_PREFIX + token]);
    } catch {
      setLastError("could not open a connection");
      scheduleReconnect();
      return;
    }
    socket = ws;
    let opened = false;

    ws.onopen = () => {
      if (gen !== generation) return;
      opened = true;
      lastInbound = Date.now();
      startHeartbeat();
    };
    ws.onmessage = (event) => {
      if (gen !== generation) return;
      lastInbound = Date.now();
      const frame = parseServerFrame(event.data);
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
    state,
    lastError,

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
      if (added.length > 0 && state() === "open") send({ type: "subscribe", channels: added });
    },

    unsubscribe(list) {
      const removed = list.filter((c) => channels.has(c));
      for (const c of removed) channels.delete(c);
      if (removed.length > 0 && state() === "open") send({ type: "unsubscribe", channels: removed });
    },

    reconnectNow() {
      if (stopped || state() !== "reconnecting") return;
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
