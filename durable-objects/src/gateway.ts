/**
 * Gateway: a shard of client WebSockets (hibernation API). Per-socket state lives in the socket
 * attachment, so subscriptions survive hibernation and eviction; the in-memory index is only a
 * cache rebuilt from attachments.
 *
 * A socket arrives either authenticated (the Worker verified the token from
 * `Sec-WebSocket-Protocol`) or pending: then its first frame must be `{"type":"auth"}` within
 * AUTH_DEADLINE_MS, or it is closed with 4401.
 *
 * The private stream: the user's UserAccount pushes its new events here (`deliverEvents`) while
 * the user has a socket on this shard (`presence`). Each event carries the user's sequence number
 * and must be acknowledged; unacknowledged ones are resent EVENT_RESENDS times (1, 2, 4 s) by the
 * alarm, then wait for the client's `resume {lastSeq}`, which replays exactly what it missed from
 * the account's event log and restores the session's subscriptions.
 *
 * Protection: MAX_CLIENT_FRAMES_PER_SEC inbound frames per connection (error frame, close 1008 if
 * it goes on), MAX_CLIENT_FRAME_BYTES per frame, MAX_SOCKETS_PER_USER (WS_MAX_SOCKETS_PER_USER), a slow consumer (more than
 * SLOW_CONSUMER_FRAMES market-data frames unacknowledged) is warned and then closed (4008) — the
 * others on the shard are not held back; idle sockets (no frame, no heartbeat for IDLE_TIMEOUT_MS)
 * are closed by the alarm. Heartbeats (`{"type":"ping"}`) are answered by the runtime without
 * waking the DO.
 */
import { DurableObject } from "cloudflare:workers";
import {
  ClientFrame,
  EVENT_RESENDS,
  IDLE_TIMEOUT_MS,
  MAX_CLIENT_FRAME_BYTES,
  MAX_CLIENT_FRAMES_PER_SEC,
  MAX_REPLAY,
  MAX_SOCKETS_PER_USER,
  MAX_SUBSCRIPTIONS,
  PROTOCOL_VERSION,
  SLOW_CONSUMER_FRAMES,
  WS_SUBPROTOCOL_MSGPACK,
  parseChannel,
  type Channel,
  type MarketUpdate,
  type ServerFrame,
  type TickerUpdate,
  type WsErrorCode,
} from "@bot-core/core";
import { verifyAccessToken } from "../../workers/api/src/auth/access-token";
import type { Env } from "../../workers/api/src/env";
import { ShardLatency } from "../../workers/api/src/telemetry/ws-latency";
import type { StoredEvent } from "./user-account";
import { decode as msgpackDecode } from "@msgpack/msgpack";
import { WindowControl } from "./window-control";
import { CLOSE_SLOW_CONSUMER, MarketDataFanOut, msgpackEncode, type Flow, type MdPart } from "./market-data-fanout";
import { marketFeedOf } from "./market-feed";

export { CLOSE_SLOW_CONSUMER };

export const HEARTBEAT_MS = 30_000;
export const AUTH_DEADLINE_MS = 10_000;
/** Close code for authentication failures (4000-4999 are application codes). */
export const CLOSE_UNAUTHORIZED = 4401;
/** Close code for a policy violation (flooding). */
export const CLOSE_POLICY = 1008;
/** Positive integer from a var, or the fallback. */
function tunable(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}
const IDLE_SWEEP_MS = 60_000;
/** Widest market-data window the overload control may choose. */
export const MAX_WINDOW_MS = 200;

/** Headers the Worker sets when it forwards an upgrade to a shard. Never taken from clients. */
export const GATEWAY_HEADERS = {
  shard: "x-bc-shard",
  userId: "x-bc-user-id",
  tokenExp: "x-bc-token-exp",
  subprotocol: "x-bc-subprotocol",
  /** "single": one frame per update, no windowing (benchmarks compare it with batching). */
  frames: "x-bc-frames",
} as const;

interface SocketSession {
  userId: string | null;
  /** Access token expiry, epoch seconds. */
  tokenExp: number;
  /** Pending sockets must authenticate before this epoch ms. */
  authDeadline: number | null;
  subs: string[];
  connectedAt: number;
  /** The tab's session id, once it sent `resume`. */
  sessionId?: string;
  /** Events up to this seq existed when the socket came online; later ones are pushed live. */
  liveFrom: number;
  /** Highest private event seq sent, and acknowledged. */
  lastSent: number;
  lastAcked: number;
  resends: number;
  resendAt: number | null;
  /** Last inbound frame (heartbeats answered by the runtime are read from it separately). */
  lastFrameAt: number;
  /** One frame per update instead of windowed batches. */
  single?: boolean;
  /** The client chose MessagePack (subprotocol bot-core.v1.msgpack): binary frames both ways. */
  msgpack?: boolean;
}


export interface GatewayStats {
  sockets: number;
  channels: number;
  sent: Record<string, number>;
  slowConsumersClosed: number;
  floodsClosed: number;
  /** The market-data window in force and the smoothed bridge-to-shard lag. */
  windowMs: number;
  lagMs: number;
}

export class Gateway extends DurableObject<Env> {
  private shardName: string | null = null;
  /** The channel union last told to the feed (this instance): unchanged, no call. */
  private interestSent: string | undefined;
  /** Latest ticker per symbol this shard follows, from the feed's publishes (dropped when no socket here follows it). */
  private readonly latestTickers = new Map<string, TickerUpdate>();
  private flows = new WeakMap<WebSocket, Flow>();
  /** Market-data fan-out index (sockets grouped by subscription set); rebuilt from attachments after a wake-up. */
  private fanout: MarketDataFanOut | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the alarm is set for (null: none; undefined: not read since this instance started). */
  private alarmAt: number | null | undefined;
  private flushAt = 0;
  private msgpackCache = new WeakMap<WebSocket, boolean>();
  private sent: Record<string, number> = {};
  private floodClosed = 0;
  private readonly resendBaseMs: number;
  private readonly slowFrames: number;
  private readonly maxSockets: number;
  /** The market-data window in force: widened (up to MAX_WINDOW_MS) while the shard falls behind, narrowed back when it keeps up. */
  private readonly window: WindowControl;
  /** websocket_message_latency_ms: each batch's lag, shipped to the Telemetry DO (ws-latency.ts). */
  private readonly latency: ShardLatency;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.resendBaseMs = tunable(env.WS_RESEND_BASE_MS, 1000);
    this.slowFrames = tunable(env.WS_SLOW_CONSUMER_FRAMES, SLOW_CONSUMER_FRAMES);
    this.maxSockets = tunable(env.WS_MAX_SOCKETS_PER_USER, MAX_SOCKETS_PER_USER);
    this.window = new WindowControl(tunable(env.WS_BATCH_WINDOW_MS, 10), MAX_WINDOW_MS);
    this.latency = new ShardLatency({ ship: (b) => env.TELEMETRY.getByName("main").ingest(b), waitUntil: (p) => ctx.waitUntil(p), enabled: String(env.TELEMETRY_ENABLED) !== "false" });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const shard = request.headers.get(GATEWAY_HEADERS.shard);
    if (shard) await this.rememberShard(shard);
    const userId = request.headers.get(GATEWAY_HEADERS.userId);
    const others = userId ? this.socketsOf(userId) : [];
    if (userId && others.length >= this.maxSockets) {
      return Response.json(
        { error: { code: "too_many_connections", message: `at most ${this.maxSockets} open sockets per user; close another tab` } },
        { status: 429, headers: { "Retry-After": "5" } },
      );
    }
    const now = Date.now();
    const liveFrom = userId ? (this.liveStreamPosition(userId, others) ?? (await this.goOnline(userId))) : 0;
    const session: SocketSession = {
      userId,
      tokenExp: Number(request.headers.get(GATEWAY_HEADERS.tokenExp) ?? 0),
      authDeadline: userId ? null : now + AUTH_DEADLINE_MS,
      subs: [],
      connectedAt: now,
      liveFrom,
      lastSent: liveFrom,
      lastAcked: liveFrom,
      resends: 0,
      resendAt: null,
      lastFrameAt: now,
      ...(request.headers.get(GATEWAY_HEADERS.frames) === "single" ? { single: true } : {}),
      ...(request.headers.get(GATEWAY_HEADERS.subprotocol) === WS_SUBPROTOCOL_MSGPACK ? { msgpack: true } : {}),
    };
    const pair = new WebSocketPair();
    const server = pair[1];
    this.ctx.acceptWebSocket(server, userId ? [userTag(userId)] : []);
    server.serializeAttachment(session);
    if (userId) this.send(server, this.welcome(userId));
    await this.scheduleAlarm(session.authDeadline ?? now + IDLE_SWEEP_MS);

    const headers = new Headers();
    const protocol = request.headers.get(GATEWAY_HEADERS.subprotocol);
    if (protocol) headers.set("Sec-WebSocket-Protocol", protocol);
    return new Response(null, { status: 101, webSocket: pair[0], headers });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      await this.handleMessage(ws, message);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "Gateway message handler failed", error: String(err) }));
      this.sendError(ws, "internal", "the server could not handle this frame");
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // already closed
    } finally {
      await this.socketGone(ws);
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    console.error(JSON.stringify({ level: "warn", msg: "Gateway socket error", error: String(error) }));
    await this.socketGone(ws);
  }

  /**
   * Closes sockets that did not authenticate in time and idle ones; resends unacknowledged
   * private events (EVENT_RESENDS times, backoff doubling), then leaves them to `resume`.
   */
  override async alarm(): Promise<void> {
    // This run consumed the alarm; whatever it sets (or a scheduleAlarm meanwhile) is the next one.
    this.alarmAt = null;
    const now = Date.now();
    let next: number | null = null;
    const wake = (at: number) => {
      next = Math.min(next ?? at, at);
    };
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) {
      const s = this.session(ws);
      if (!s) continue;
      if (s.authDeadline !== null) {
        if (s.authDeadline <= now) this.closeUnauthorized(ws, "authentication timed out");
        else wake(s.authDeadline);
        continue;
      }
      const heartbeat = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      if (now - Math.max(s.lastFrameAt, heartbeat) > IDLE_TIMEOUT_MS) {
        this.closeWith(ws, 1000, "idle: no frame or heartbeat for 5 minutes");
        continue;
      }
      if (s.resendAt !== null) {
        if (s.resendAt <= now) await this.resend(ws, s, now);
        const after = this.session(ws);
        if (after?.resendAt != null) wake(after.resendAt);
      }
    }
    if (sockets.length > 0) wake(now + IDLE_SWEEP_MS);
    if (next !== null) {
      await this.ctx.storage.setAlarm(next);
      this.alarmAt = next;
    }
  }

  /**
   * New private events from the user's account: each socket of the user gets those it has not
   * been sent, in order; unacknowledged ones are scheduled for a resend.
   */
  async deliverEvents(input: { userId: string; events: StoredEvent[] }): Promise<{ sockets: number }> {
    const pushed = input.events.at(-1)?.seq;
    if (pushed !== undefined) this.pushedTo.set(input.userId, Math.max(this.pushedTo.get(input.userId) ?? 0, pushed));
    const sockets = this.socketsOf(input.userId);
    const now = Date.now();
    let resendAt: number | null = null;
    for (const ws of sockets) {
      const s = this.session(ws);
      if (!s || s.userId !== input.userId) continue;
      let lastSent = s.lastSent;
      for (const e of input.events) {
        if (e.seq <= lastSent) continue;
        this.sendEvent(ws, e);
        lastSent = e.seq;
      }
      if (lastSent === s.lastSent) continue;
      const next: SocketSession = { ...s, lastSent, ...(s.resendAt === null ? { resendAt: now + this.resendBaseMs, resends: 0 } : {}) };
      ws.serializeAttachment(next);
      resendAt = Math.min(resendAt ?? next.resendAt!, next.resendAt!);
    }
    if (resendAt !== null) await this.scheduleAlarm(resendAt);
    return { sockets: sockets.length };
  }

  /**
   * Market data from the feed. Every update is serialized once per shard. Each socket gets at most
   * one frame per window (WS_BATCH_WINDOW_MS, 10 ms): a socket that has not been sent anything
   * for a window gets the update at once (a slow symbol never waits); otherwise the update waits
   * for the window's end, conflated to the latest state per channel (closed candles and signals
   * are all kept). Sockets opened with `?frames=single` get one frame per update (the benchmark's
   * unbatched comparison).
   */
  publish(updates: Array<MarketUpdate & { channel: Channel }>): void {
    this.adaptWindow(updates);
    const byChannel = new Map<string, MdPart[]>();
    for (const u of updates) {
      if (u.kind === "ticker") {
        const { channel: _channel, ...ticker } = u;
        const known = this.latestTickers.get(u.symbol);
        if (!known || known.eventTime <= ticker.eventTime) this.latestTickers.set(u.symbol, ticker);
      }
      // Closed candles and signals are records, never conflated; the rest is state (latest wins).
      const key = u.kind === "kline" && u.closed ? `${u.channel}@${u.openTime}` : u.kind === "signal" ? `${u.channel}@${u.id}` : u.channel;
      const entry: MdPart = { key, json: JSON.stringify(u), update: u };
      const list = byChannel.get(u.channel);
      if (list) list.push(entry);
      else byChannel.set(u.channel, [entry]);
    }
    const due = this.md().publish(byChannel, Date.now(), this.window.windowMs);
    if (due !== null) this.scheduleFlush(due);
  }

  /** The bridge-to-shard lag of a batch (its oldest update): telemetry, and a signal for the window. */
  private adaptWindow(updates: ReadonlyArray<MarketUpdate>): void {
    const now = Date.now();
    let lag = 0;
    for (const u of updates) lag = Math.max(lag, now - u.bridgeTime);
    this.latency.observe("md", lag, now);
    this.window.observeLag(lag);
  }

  private scheduleFlush(at: number): void {
    if (this.flushTimer !== undefined && this.flushAt <= at) return;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushAt = at;
    this.flushTimer = setTimeout(() => this.flushPending(), Math.max(0, at - Date.now()));
  }

  /** Sends every window that has ended (one frame per socket). */
  private flushPending(): void {
    this.flushTimer = undefined;
    const now = Date.now();
    this.window.observeLateness(now - this.flushAt);
    const due = this.md().flush(now, this.window.windowMs);
    if (due !== null) this.scheduleFlush(due);
  }

  /** The market-data index; after a wake-up, rebuilt from the sockets' attachments. */
  private md(): MarketDataFanOut {
    if (this.fanout) return this.fanout;
    const fanout = new MarketDataFanOut({
      slowFrames: this.slowFrames,
      warn: (ws, behind) =>
        this.send(ws, { type: "warning", code: "slow_consumer", message: `${behind} market-data frames unacknowledged; at ${2 * this.slowFrames} the connection is closed` }),
    });
    this.fanout = fanout;
    for (const ws of this.ctx.getWebSockets()) {
      const s = this.session(ws);
      if (s && s.subs.length > 0) fanout.subscribe(this.memberOf(ws, s), s.subs);
    }
    return fanout;
  }

  private memberOf(ws: WebSocket, session: SocketSession) {
    return { ws, flow: this.flowOf(ws), msgpack: session.msgpack === true, single: session.single === true };
  }

  private isMsgpack(ws: WebSocket): boolean {
    let packed = this.msgpackCache.get(ws);
    if (packed === undefined) {
      packed = this.session(ws)?.msgpack === true;
      this.msgpackCache.set(ws, packed);
    }
    return packed;
  }

  /** Open sockets, distinct channels, frames sent by type, sockets closed for being slow or flooding. */
  stats(): GatewayStats {
    const fanout = this.md();
    const md = fanout.stats();
    return {
      sockets: this.ctx.getWebSockets().length,
      channels: fanout.channels().length,
      sent: { ...this.sent, ...(md.frames > 0 ? { md: md.frames } : {}) },
      slowConsumersClosed: md.slowClosed,
      floodsClosed: this.floodClosed,
      windowMs: this.window.windowMs,
      lagMs: Math.round(this.window.lagMs),
    };
  }

  // -------------------------------------------------------------------------------------------

  private async handleMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const session = this.session(ws);
    if (!session) return this.closeUnauthorized(ws, "unknown session");
    if (this.flooding(ws)) return;
    const size = typeof message === "string" ? message.length : message.byteLength;
    if (size > MAX_CLIENT_FRAME_BYTES) {
      return this.sendError(ws, "frame_too_large", `frame larger than ${MAX_CLIENT_FRAME_BYTES} bytes`);
    }
    let raw: unknown;
    if (typeof message !== "string") {
      if (!session.msgpack) return this.sendError(ws, "bad_frame", "binary frames need the bot-core.v1.msgpack subprotocol; send JSON text");
      try {
        raw = msgpackDecode(new Uint8Array(message));
      } catch {
        return this.sendError(ws, "bad_frame", "frame is not valid MessagePack");
      }
    } else {
      try {
        raw = JSON.parse(message);
      } catch {
        return this.sendError(ws, "bad_frame", "frame is not valid JSON");
      }
    }
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const unknownChannel = issue?.path[0] === "channels" && issue.path.length === 2;
      const id = typeof raw === "object" && raw !== null && "id" in raw && typeof raw.id === "string" ? raw.id : undefined;
      return this.sendError(ws, unknownChannel ? "unknown_channel" : "bad_frame", issue?.message ?? "invalid frame", id);
    }
    const frame = parsed.data;

    if (frame.type === "auth") return this.authenticate(ws, session, frame.token);
    if (session.userId === null) return this.closeUnauthorized(ws, "the first frame must be {\"type\":\"auth\",\"token\":…}");
    if (session.tokenExp * 1000 <= Date.now()) {
      this.sendError(ws, "token_expired", "the access token has expired; reconnect with a fresh one");
      return this.closeUnauthorized(ws, "token expired");
    }

    switch (frame.type) {
      case "ack":
        return this.acknowledge(ws, session, frame.seq, frame.md);
      case "resume":
        return this.resume(ws, session, frame.sessionId, frame.lastSeq);
      case "ping":
        return this.send(ws, { type: "pong", ...(frame.t === undefined ? {} : { t: frame.t }), serverTime: Date.now() });
      case "subscribe": {
        const next = new Set([...session.subs, ...frame.channels]);
        if (next.size > MAX_SUBSCRIPTIONS) {
          return this.sendError(ws, "too_many_subscriptions", `at most ${MAX_SUBSCRIPTIONS} channels per connection`, frame.id);
        }
        this.saveSubs(ws, session, next);
        this.send(ws, { type: "subscribed", ...(frame.id ? { id: frame.id } : {}), channels: frame.channels });
        await this.rememberSessionSubs(session, next);
        await this.updateInterest();
        return this.sendSnapshots(ws, frame.channels);
      }
      case "unsubscribe": {
        const next = new Set(session.subs);
        for (const c of frame.channels) next.delete(c);
        this.saveSubs(ws, session, next);
        this.send(ws, { type: "unsubscribed", ...(frame.id ? { id: frame.id } : {}), channels: frame.channels });
        await this.rememberSessionSubs(session, next);
        return this.updateInterest();
      }
    }
  }

  private async authenticate(ws: WebSocket, session: SocketSession, token: string): Promise<void> {
    const result = await verifyAccessToken(token, this.env.JWT_SECRET);
    if (!result.ok || (session.userId !== null && session.userId !== result.claims.sub)) {
      this.sendError(ws, result.ok ? "unauthorized" : result.reason === "expired" ? "token_expired" : "unauthorized", "token refused");
      return this.closeUnauthorized(ws, "token refused");
    }
    const wasPending = session.userId === null;
    if (wasPending && this.socketsOf(result.claims.sub).length >= this.maxSockets) {
      this.sendError(ws, "rate_limited", `at most ${this.maxSockets} open sockets per user`);
      return this.closeWith(ws, CLOSE_POLICY, "too many connections");
    }
    const liveFrom = wasPending ? await this.goOnline(result.claims.sub) : session.liveFrom;
    const next: SocketSession = {
      ...session,
      userId: result.claims.sub,
      tokenExp: result.claims.exp,
      authDeadline: null,
      ...(wasPending ? { liveFrom, lastSent: liveFrom, lastAcked: liveFrom } : {}),
    };
    ws.serializeAttachment(next);
    if (wasPending) {
      this.lateAuthed().add(ws);
      this.send(ws, this.welcome(result.claims.sub));
    }
  }

  /** Sends the latest known ticker of each newly subscribed ticker/book channel, and the last signal of each signals channel, at once. */
  private async sendSnapshots(ws: WebSocket, channels: Channel[]): Promise<void> {
    const symbols = new Set<string>();
    const signalSymbols = new Set<string>();
    for (const c of channels) {
      const p = parseChannel(c);
      if (p && (p.kind === "ticker" || p.kind === "book")) symbols.add(p.symbol);
      if (p?.kind === "signals") signalSymbols.add(p.symbol);
    }
    // A symbol another socket here already follows: the feed's last update to this shard is the
    // hub's latest ticker (no round trip per subscriber; 1,000 sockets x 10 symbols were 10,000).
    const [snapshots, signals] = await Promise.all([
      Promise.all([...symbols].map((s) => this.latestTickers.get(s) ?? this.env.SYMBOL_HUB.getByName(s).latest())),
      Promise.all([...signalSymbols].map((s) => this.env.SYMBOL_HUB.getByName(s).latestSignal())),
    ]);
    const updates: Array<MarketUpdate & { channel: Channel }> = [];
    for (const t of snapshots) {
      if (!t) continue;
      for (const c of channels) if (c === `ticker:${t.symbol}` || c === `book:${t.symbol}`) updates.push({ ...t, channel: c });
    }
    for (const s of signals) if (s) updates.push({ ...s, channel: `signals:${s.symbol}` });
    if (updates.length > 0) this.send(ws, { type: "md", sentAt: Date.now(), updates });
  }

  /** Cumulative ack of private events, and the market-data frame count for flow control. */
  private acknowledge(ws: WebSocket, session: SocketSession, seq: number | undefined, md: number | undefined): void {
    if (md !== undefined) {
      const flow = this.flowOf(ws);
      if (md > flow.mdAcked && md <= flow.mdSent) flow.mdAcked = md;
      if (flow.mdSent - flow.mdAcked < this.slowFrames) flow.warned = false;
    }
    const now = Date.now();
    let next: SocketSession = { ...session, lastFrameAt: now };
    if (seq !== undefined && seq > session.lastAcked) {
      const lastAcked = Math.min(seq, session.lastSent);
      next = { ...next, lastAcked, ...(lastAcked >= session.lastSent ? { resendAt: null, resends: 0 } : {}) };
    }
    ws.serializeAttachment(next);
  }

  /**
   * A (re)connected tab: restores the subscriptions its session had and replays the private events
   * after `lastSeq` up to where the live stream of this socket starts — each missed event once, in
   * order (`more: true` when over MAX_REPLAY: resume again from the last one).
   */
  private async resume(ws: WebSocket, session: SocketSession, sessionId: string, lastSeq: number): Promise<void> {
    const userId = session.userId!;
    const stored = (await this.ctx.storage.get<string[]>(sessionKey(userId, sessionId))) ?? [];
    const subs = new Set([...session.subs, ...stored].filter((c) => parseChannel(c) !== undefined));
    // Everything after lastSeq that this socket will not get live: what existed when it came
    // online, and what was sent live but not acknowledged.
    const upTo = Math.max(session.liveFrom, session.lastSent, lastSeq);
    const { events, more }: { events: StoredEvent[]; more: boolean } =
      lastSeq < upTo ? await this.env.USER_ACCOUNT.getByName(userId).eventsSince(lastSeq, MAX_REPLAY, upTo) : { events: [], more: false };
    for (const e of events) this.sendEvent(ws, e, true);
    const fresh = this.session(ws) ?? session;
    const replayedTo = events.at(-1)?.seq ?? lastSeq;
    const next: SocketSession = {
      ...fresh,
      sessionId,
      subs: [...subs],
      lastFrameAt: Date.now(),
      lastAcked: lastSeq,
      lastSent: Math.max(fresh.lastSent, replayedTo),
      resends: 0,
      resendAt: Math.max(fresh.lastSent, replayedTo) > lastSeq ? Date.now() + this.resendBaseMs : null,
    };
    ws.serializeAttachment(next);
    this.md().subscribe(this.memberOf(ws, next), subs);
    if (next.resendAt !== null) await this.scheduleAlarm(next.resendAt);
    await this.rememberSessionSubs(next, subs);
    this.send(ws, { type: "resumed", sessionId, lastSeq, replayed: events.length, channels: [...subs] as Channel[], more });
    await this.updateInterest();
    await this.sendSnapshots(ws, [...subs] as Channel[]);
  }

  /** Resends the unacknowledged events of one socket, or gives up after EVENT_RESENDS tries. */
  private async resend(ws: WebSocket, s: SocketSession, now: number): Promise<void> {
    if (s.lastAcked >= s.lastSent || s.userId === null) {
      ws.serializeAttachment({ ...s, resendAt: null, resends: 0 });
      return;
    }
    if (s.resends >= EVENT_RESENDS) {
      // Given up: the client's next `resume` replays them.
      ws.serializeAttachment({ ...s, resendAt: null });
      return;
    }
    try {
      const { events }: { events: StoredEvent[] } = await this.env.USER_ACCOUNT.getByName(s.userId).eventsSince(s.lastAcked, MAX_REPLAY, s.lastSent);
      for (const e of events) this.sendEvent(ws, e);
    } catch {
      // the account is unreachable: try again at the next step
    }
    const resends = s.resends + 1;
    const current = this.session(ws) ?? s;
    ws.serializeAttachment({ ...current, resends, resendAt: now + this.resendBaseMs * 2 ** resends });
  }

  /** Counts inbound frames per second; over the limit: an error frame, then close 1008 if it goes on. */
  private flooding(ws: WebSocket): boolean {
    const flow = this.flowOf(ws);
    const now = Date.now();
    if (now - flow.windowStart >= 1000) {
      flow.strikes = flow.inbound > MAX_CLIENT_FRAMES_PER_SEC ? flow.strikes + 1 : 0;
      flow.windowStart = now;
      flow.inbound = 0;
    }
    flow.inbound++;
    if (flow.inbound <= MAX_CLIENT_FRAMES_PER_SEC) return false;
    if (flow.inbound === MAX_CLIENT_FRAMES_PER_SEC + 1) {
      this.sendError(ws, "rate_limited", `at most ${MAX_CLIENT_FRAMES_PER_SEC} frames per second; further frames in this second are dropped`);
    }
    if (flow.inbound >= 2 * MAX_CLIENT_FRAMES_PER_SEC || flow.strikes >= 2) {
      this.floodClosed++;
      this.closeWith(ws, CLOSE_POLICY, "too many frames");
    }
    return true;
  }

  private flowOf(ws: WebSocket): Flow {
    let f = this.flows.get(ws);
    if (!f) {
      f = { mdSent: 0, mdAcked: 0, warned: false, windowStart: 0, inbound: 0, strikes: 0 };
      this.flows.set(ws, f);
    }
    return f;
  }

  /**
   * Where the user's live stream on this shard stands, when another socket of the user is open
   * here: the account already pushes to this shard (presence is per user, not per socket), so a
   * further tab needs no presence call. The position is the highest seq the account has pushed
   * here (not what any socket took: a socket that never acknowledges stops taking events, and a
   * reconnecting one would miss them). Everything after it reaches the new socket live — a push
   * still in flight carries higher seqs — and everything up to it is the client's to `resume`.
   * Undefined (ask the account) after a wake-up from hibernation or with no open socket.
   */
  private liveStreamPosition(userId: string, sockets: WebSocket[]): number | undefined {
    const position = this.pushedTo.get(userId);
    if (position === undefined) return undefined;
    return sockets.some((ws) => ws.readyState === WebSocket.OPEN && this.session(ws)?.userId === userId) ? position : undefined;
  }

  /** Tells the user's account that the user has a socket here; returns the seq the live stream starts after. */
  private async goOnline(userId: string): Promise<number> {
    const shard = await this.getShardName();
    if (!shard) return 0;
    try {
      const { lastSeq } = await this.env.USER_ACCOUNT.getByName(userId).presence({ shard, online: true });
      this.pushedTo.set(userId, Math.max(this.pushedTo.get(userId) ?? 0, lastSeq));
      return lastSeq;
    } catch {
      return 0;
    }
  }

  private async socketGone(ws: WebSocket): Promise<void> {
    const s = this.session(ws);
    this.lateAuth?.delete(ws);
    await this.updateInterest(ws);
    if (s?.userId && this.socketsOf(s.userId).filter((o) => o !== ws && o.readyState === WebSocket.OPEN).length === 0) {
      this.pushedTo.delete(s.userId);
      const shard = await this.getShardName();
      if (shard) await this.env.USER_ACCOUNT.getByName(s.userId).presence({ shard, online: false }).catch(() => undefined);
    }
  }

  private lateAuth: Set<WebSocket> | undefined;
  /** Per user with a socket here: the highest seq of the account's live stream pushed to this shard (this instance's memory). */
  private readonly pushedTo = new Map<string, number>();

  /** Sockets that authenticated by frame (they carry no user tag); rebuilt once after a wake-up. */
  private lateAuthed(): Set<WebSocket> {
    if (!this.lateAuth) {
      this.lateAuth = new Set();
      for (const ws of this.ctx.getWebSockets()) {
        if (this.ctx.getTags(ws).length === 0 && this.session(ws)?.userId) this.lateAuth.add(ws);
      }
    }
    return this.lateAuth;
  }

  /** The user's open sockets on this shard. */
  private socketsOf(userId: string): WebSocket[] {
    const tagged = this.ctx.getWebSockets(userTag(userId));
    const late = [...this.lateAuthed()].filter((ws) => this.session(ws)?.userId === userId);
    return late.length ? [...tagged, ...late] : tagged;
  }

  private async rememberSessionSubs(session: SocketSession, subs: Set<string>): Promise<void> {
    if (session.sessionId && session.userId) await this.ctx.storage.put(sessionKey(session.userId, session.sessionId), [...subs]);
  }

  private closeWith(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code, reason.slice(0, 120));
    } catch {
      // already closed
    }
  }

  private session(ws: WebSocket): SocketSession | null {
    return (ws.deserializeAttachment() as SocketSession | null) ?? null;
  }

  private saveSubs(ws: WebSocket, session: SocketSession, subs: Set<string>): void {
    const next = { ...session, subs: [...subs] };
    ws.serializeAttachment(next);
    this.md().subscribe(this.memberOf(ws, next), subs);
  }

  /** Tells the feed which channels this shard wants (the union over its sockets). */
  private async updateInterest(closing?: WebSocket): Promise<void> {
    const shard = await this.getShardName();
    if (!shard) return;
    if (closing) this.md().remove(closing);
    const union = new Set(this.md().channels());
    const channels = [...union].sort();
    const key = channels.join(",");
    if (key === this.interestSent) return;
    await marketFeedOf(this.env).setInterest(shard, channels);
    this.interestSent = key;
    // A symbol this shard stopped following gets no more updates: its cached ticker would go stale.
    for (const symbol of this.latestTickers.keys()) {
      if (!union.has(`ticker:${symbol}`) && !union.has(`book:${symbol}`)) this.latestTickers.delete(symbol);
    }
  }

  private async rememberShard(name: string): Promise<void> {
    if (this.shardName === name) return;
    this.shardName = name;
    await this.ctx.storage.put("shard", name);
  }

  private async getShardName(): Promise<string | null> {
    this.shardName ??= (await this.ctx.storage.get<string>("shard")) ?? null;
    return this.shardName;
  }

  /** Makes sure the alarm runs by `at` (the alarm time is kept in memory: 1,000 connects were 2,000 storage calls). */
  private async scheduleAlarm(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }

  private welcome(userId: string): ServerFrame {
    return { type: "welcome", v: PROTOCOL_VERSION, userId, serverTime: Date.now(), heartbeatMs: HEARTBEAT_MS };
  }

  /** An `event` frame built around the stored JSON payload (not parsed and re-serialized). */
  private sendEvent(ws: WebSocket, e: StoredEvent, replay = false): void {
    this.sent.event = (this.sent.event ?? 0) + 1;
    try {
      if (this.isMsgpack(ws)) {
        ws.send(msgpackEncode({ type: "event", seq: e.seq, event: { type: e.type, ts: e.ts, payload: JSON.parse(e.payload) as unknown }, ...(replay ? { replay: true } : {}) }));
        return;
      }
      ws.send(`{"type":"event","seq":${e.seq},"event":{"type":${JSON.stringify(e.type)},"ts":${e.ts},"payload":${e.payload}}${replay ? ',"replay":true' : ""}}`);
    } catch {
      // closing
    }
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    this.sent[frame.type] = (this.sent[frame.type] ?? 0) + 1;
    try {
      ws.send(this.isMsgpack(ws) ? msgpackEncode(frame) : JSON.stringify(frame));
    } catch {
      // closing
    }
  }

  private sendError(ws: WebSocket, code: WsErrorCode, message: string, id?: string): void {
    this.send(ws, { type: "error", code, message, ...(id ? { id } : {}) });
  }

  private closeUnauthorized(ws: WebSocket, reason: string): void {
    try {
      ws.close(CLOSE_UNAUTHORIZED, reason.slice(0, 120));
    } catch {
      // already closed
    }
  }
}

const userTag = (userId: string) => `u:${userId}`;
const sessionKey = (userId: string, sessionId: string) => `sess:${userId}:${sessionId}`;
