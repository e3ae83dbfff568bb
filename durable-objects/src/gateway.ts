/**
 * Gateway: a shard of client WebSockets (hibernation API). Per-socket state lives in the socket
 * attachment, so subscriptions survive hibernation and eviction; the in-memory index is only a
 * cache rebuilt from attachments.
 *
 * A socket arrives either authenticated (the Worker verified the token from
 * `Sec-WebSocket-Protocol`) or pending: then its first frame must be `{"type":"auth"}` within
 * AUTH_DEADLINE_MS, or it is closed with 4401.
 */
import { DurableObject } from "cloudflare:workers";
import {
  ClientFrame,
  MAX_CLIENT_FRAME_BYTES,
  MAX_SUBSCRIPTIONS,
  PROTOCOL_VERSION,
  parseChannel,
  type Channel,
  type MarketUpdate,
  type ServerFrame,
  type WsErrorCode,
} from "@bot-core/core";
import { verifyAccessToken } from "../../workers/api/src/auth/access-token";
import type { Env } from "../../workers/api/src/env";

export const HEARTBEAT_MS = 30_000;
export const AUTH_DEADLINE_MS = 10_000;
/** Close code for authentication failures (4000-4999 are application codes). */
export const CLOSE_UNAUTHORIZED = 4401;

/** Headers the Worker sets when it forwards an upgrade to a shard. Never taken from clients. */
export const GATEWAY_HEADERS = {
  shard: "x-bc-shard",
  userId: "x-bc-user-id",
  tokenExp: "x-bc-token-exp",
  subprotocol: "x-bc-subprotocol",
} as const;

interface SocketSession {
  userId: string | null;
  /** Access token expiry, epoch seconds. */
  tokenExp: number;
  /** Pending sockets must authenticate before this epoch ms. */
  authDeadline: number | null;
  subs: string[];
  connectedAt: number;
}

export class Gateway extends DurableObject<Env> {
  private shardName: string | null = null;
  private subsCache = new WeakMap<WebSocket, Set<string>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const shard = request.headers.get(GATEWAY_HEADERS.shard);
    if (shard) await this.rememberShard(shard);
    const userId = request.headers.get(GATEWAY_HEADERS.userId);
    const now = Date.now();
    const session: SocketSession = {
      userId,
      tokenExp: Number(request.headers.get(GATEWAY_HEADERS.tokenExp) ?? 0),
      authDeadline: userId ? null : now + AUTH_DEADLINE_MS,
      subs: [],
      connectedAt: now,
    };
    const pair = new WebSocketPair();
    const server = pair[1];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(session);
    if (userId) this.send(server, this.welcome(userId));
    else await this.scheduleAlarm(session.authDeadline!);

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
      await this.updateInterest(ws);
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    console.error(JSON.stringify({ level: "warn", msg: "Gateway socket error", error: String(error) }));
    await this.updateInterest(ws);
  }

  /** Closes sockets that did not authenticate in time. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let next: number | null = null;
    for (const ws of this.ctx.getWebSockets()) {
      const s = this.session(ws);
      if (!s || s.authDeadline === null) continue;
      if (s.authDeadline <= now) this.closeUnauthorized(ws, "authentication timed out");
      else next = Math.min(next ?? s.authDeadline, s.authDeadline);
    }
    if (next !== null) await this.scheduleAlarm(next);
  }

  /**
   * Market data from the feed: every update is serialized once, and each socket gets one frame
   * with the updates of its channels.
   */
  publish(updates: Array<MarketUpdate & { channel: Channel }>): number {
    const byChannel = new Map<string, string[]>();
    for (const u of updates) {
      const json = JSON.stringify(u);
      const list = byChannel.get(u.channel);
      if (list) list.push(json);
      else byChannel.set(u.channel, [json]);
    }
    const sentAt = Date.now();
    let frames = 0;
    for (const ws of this.ctx.getWebSockets()) {
      const subs = this.subsOf(ws);
      if (subs.size === 0) continue;
      const parts: string[] = [];
      for (const [channel, list] of byChannel) if (subs.has(channel)) parts.push(...list);
      if (parts.length === 0) continue;
      try {
        ws.send(`{"type":"md","sentAt":${sentAt},"updates":[${parts.join(",")}]}`);
        frames++;
      } catch {
        // the socket is closing; its close handler cleans up
      }
    }
    return frames;
  }

  /** Number of open sockets and distinct channels (health and tests). */
  stats(): { sockets: number; channels: number } {
    const channels = new Set<string>();
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) for (const c of this.subsOf(ws)) channels.add(c);
    return { sockets: sockets.length, channels: channels.size };
  }

  // -------------------------------------------------------------------------------------------

  private async handleMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const session = this.session(ws);
    if (!session) return this.closeUnauthorized(ws, "unknown session");
    if (typeof message !== "string") return this.sendError(ws, "bad_frame", "binary frames are not supported; send JSON text");
    if (message.length > MAX_CLIENT_FRAME_BYTES) {
      return this.sendError(ws, "bad_frame", `frame larger than ${MAX_CLIENT_FRAME_BYTES} bytes`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(message);
    } catch {
      return this.sendError(ws, "bad_frame", "frame is not valid JSON");
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
      case "ping":
        return this.send(ws, { type: "pong", ...(frame.t === undefined ? {} : { t: frame.t }), serverTime: Date.now() });
      case "subscribe": {
        const next = new Set([...session.subs, ...frame.channels]);
        if (next.size > MAX_SUBSCRIPTIONS) {
          return this.sendError(ws, "too_many_subscriptions", `at most ${MAX_SUBSCRIPTIONS} channels per connection`, frame.id);
        }
        this.saveSubs(ws, session, next);
        this.send(ws, { type: "subscribed", ...(frame.id ? { id: frame.id } : {}), channels: frame.channels });
        await this.updateInterest();
        return this.sendSnapshots(ws, frame.channels);
      }
      case "unsubscribe": {
        const next = new Set(session.subs);
        for (const c of frame.channels) next.delete(c);
        this.saveSubs(ws, session, next);
        this.send(ws, { type: "unsubscribed", ...(frame.id ? { id: frame.id } : {}), channels: frame.channels });
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
    const next: SocketSession = { ...session, userId: result.claims.sub, tokenExp: result.claims.exp, authDeadline: null };
    ws.serializeAttachment(next);
    if (wasPending) this.send(ws, this.welcome(result.claims.sub));
  }

  /** Sends the latest known ticker of each newly subscribed ticker/book channel at once. */
  private async sendSnapshots(ws: WebSocket, channels: Channel[]): Promise<void> {
    const symbols = new Set<string>();
    for (const c of channels) {
      const p = parseChannel(c);
      if (p && (p.kind === "ticker" || p.kind === "book")) symbols.add(p.symbol);
    }
    const snapshots = await Promise.all([...symbols].map((s) => this.env.SYMBOL_HUB.getByName(s).latest()));
    const updates: Array<MarketUpdate & { channel: Channel }> = [];
    for (const t of snapshots) {
      if (!t) continue;
      for (const c of channels) if (c === `ticker:${t.symbol}` || c === `book:${t.symbol}`) updates.push({ ...t, channel: c });
    }
    if (updates.length > 0) this.send(ws, { type: "md", sentAt: Date.now(), updates });
  }

  private session(ws: WebSocket): SocketSession | null {
    return (ws.deserializeAttachment() as SocketSession | null) ?? null;
  }

  private subsOf(ws: WebSocket): Set<string> {
    let subs = this.subsCache.get(ws);
    if (!subs) {
      subs = new Set(this.session(ws)?.subs ?? []);
      this.subsCache.set(ws, subs);
    }
    return subs;
  }

  private saveSubs(ws: WebSocket, session: SocketSession, subs: Set<string>): void {
    ws.serializeAttachment({ ...session, subs: [...subs] });
    this.subsCache.set(ws, subs);
  }

  /** Tells the feed which channels this shard wants (the union over its sockets). */
  private async updateInterest(closing?: WebSocket): Promise<void> {
    const shard = await this.getShardName();
    if (!shard) return;
    const union = new Set<string>();
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === closing) continue;
      for (const c of this.subsOf(ws)) union.add(c);
    }
    if (closing) this.subsCache.delete(closing);
    await this.env.MARKET_FEED.getByName("main").setInterest(shard, [...union]);
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

  private async scheduleAlarm(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  private welcome(userId: string): ServerFrame {
    return { type: "welcome", v: PROTOCOL_VERSION, userId, serverTime: Date.now(), heartbeatMs: HEARTBEAT_MS };
  }

  private send(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
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
