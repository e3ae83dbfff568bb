/**
 * MarketFeed: the edge end of the bridge's one authenticated WebSocket (hibernatable).
 *
 * Each batch frame is validated, split by symbol into the SymbolHubs (state), and fanned out
 * with ONE RPC per interested Gateway shard carrying every update that shard's sockets want
 * (hops dominate the cost locally; see docs/decisions.md). Gateway shards declare their
 * interest (the union of their sockets' channels); interest is persisted so it survives eviction.
 */
import { DurableObject } from "cloudflare:workers";
import {
  BridgeFrame,
  MAX_BRIDGE_FRAME_BYTES,
  channelsOf,
  type Channel,
  type EdgeToBridgeFrame,
  type MarketUpdate,
  type TickerUpdate,
} from "@bot-core/core";
import { HubForwarding } from "./hub-forwarding";
import type { Env } from "../../workers/api/src/env";
import { migrate, type Migration } from "./sql-migrations";

const MIGRATIONS: readonly Migration[] = [
  { version: 1, sql: "CREATE TABLE shard_interest (shard TEXT PRIMARY KEY, channels TEXT NOT NULL)" },
  { version: 2, sql: "CREATE TABLE watched_hubs (symbol TEXT PRIMARY KEY)" },
];

/** The one MarketFeed object: the bridge's socket lands there, and every quote is read there. */
export function marketFeedOf(env: Pick<Env, "MARKET_FEED">): DurableObjectStub<MarketFeed> {
  return env.MARKET_FEED.getByName("main");
}

/** A hub with an empty trigger book gets its symbol's state at most this often. */
export const HUB_STATE_INTERVAL_MS = 250;

export interface FeedStats {
  bridgeConnected: boolean;
  batches: number;
  updates: number;
  lastBatchAt: number | null;
  shards: number;
}

export class MarketFeed extends DurableObject<Env> {
  private interest = new Map<string, Set<string>>();
  private batches = 0;
  private updates = 0;
  private lastBatchAt: number | null = null;
  private readonly quotes = new Map<string, TickerUpdate>();
  private readonly watched = new Set<string>();
  private readonly toHubs = new HubForwarding(HUB_STATE_INTERVAL_MS);
  private hubTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, MIGRATIONS);
      for (const row of ctx.storage.sql.exec<{ shard: string; channels: string }>("SELECT shard, channels FROM shard_interest")) {
        this.interest.set(row.shard, new Set(JSON.parse(row.channels) as string[]));
      }
      for (const row of ctx.storage.sql.exec<{ symbol: string }>("SELECT symbol FROM watched_hubs")) this.watched.add(row.symbol);
    });
  }

  /** The Worker forwards an already authenticated bridge upgrade here. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], ["bridge"]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const text = typeof message === "string" ? message : new TextDecoder().decode(message);
    if (text.length > MAX_BRIDGE_FRAME_BYTES) return this.reply(ws, { type: "error", code: "bad_frame", message: "frame too large" });
    let parsed: ReturnType<typeof BridgeFrame.safeParse>;
    try {
      parsed = BridgeFrame.safeParse(JSON.parse(text));
    } catch {
      return this.reply(ws, { type: "error", code: "bad_frame", message: "frame is not valid JSON" });
    }
    if (!parsed.success) {
      return this.reply(ws, { type: "error", code: "bad_frame", message: parsed.error.issues[0]?.message ?? "invalid frame" });
    }
    const frame = parsed.data;
    if (frame.type === "hello") {
      ws.serializeAttachment({ bridgeId: frame.bridgeId, source: frame.source, connectedAt: Date.now() });
      return this.reply(ws, { type: "welcome", serverTime: Date.now() });
    }
    await this.ingest(frame.updates);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    console.error(JSON.stringify({ level: "error", msg: "MarketFeed socket error", error: String(error) }));
  }

  /** Routes a validated batch: state to the symbol hubs, frames to interested gateway shards. */
  async ingest(updates: MarketUpdate[]): Promise<void> {
    this.batches++;
    this.updates += updates.length;
    this.lastBatchAt = Date.now();

    const bySymbol = new Map<string, MarketUpdate[]>();
    for (const u of updates) {
      if (u.kind === "ticker") {
        const known = this.quotes.get(u.symbol);
        if (!known || u.eventTime >= known.eventTime) this.quotes.set(u.symbol, u);
      }
      const list = bySymbol.get(u.symbol);
      if (list) list.push(u);
      else bySymbol.set(u.symbol, [u]);
    }

    const published: Array<MarketUpdate & { channel: Channel }> = [];
    for (const u of updates) for (const channel of channelsOf(u)) published.push({ ...u, channel });

    const calls: Promise<unknown>[] = [];
    const now = Date.now();
    for (const [symbol, list] of bySymbol) {
      const send = this.toHubs.offer(symbol, list, now, this.watched.has(symbol));
      if (send.length > 0) calls.push(this.env.SYMBOL_HUB.getByName(symbol).applyUpdates(send));
    }
    this.scheduleHubFlush();
    for (const [shard, channels] of this.interest) {
      const wanted = published.filter((u) => channels.has(u.channel));
      if (wanted.length > 0) calls.push(this.env.GATEWAY.getByName(shard).publish(wanted));
    }
    const results = await Promise.allSettled(calls);
    for (const r of results) {
      if (r.status === "rejected") console.error(JSON.stringify({ level: "error", msg: "fan-out failed", error: String(r.reason) }));
    }
  }

  /** Sends held hub state when it falls due (a quiet symbol's last tick still reaches its hub). */
  private scheduleHubFlush(): void {
    if (this.hubTimer !== undefined) return;
    const due = this.toHubs.nextDueAt();
    if (due === null) return;
    this.hubTimer = setTimeout(() => {
      this.hubTimer = undefined;
      for (const [symbol, list] of this.toHubs.takeDue(Date.now())) {
        this.env.SYMBOL_HUB.getByName(symbol)
          .applyUpdates(list)
          .catch((err: unknown) => console.error(JSON.stringify({ level: "error", msg: "hub state update failed", symbol, error: String(err) })));
      }
      this.scheduleHubFlush();
    }, Math.max(0, due - Date.now()));
  }

  /**
   * The newest ticker the edge has for `symbol` (the feed sees every tick first), or the hub's
   * persisted one when the feed has none since it started. Orders fill against this.
   */
  async quote(symbol: string): Promise<TickerUpdate | null> {
    return this.quotes.get(symbol) ?? (await this.env.SYMBOL_HUB.getByName(symbol).latest());
  }

  /**
   * A hub says its trigger book is (or is no longer) empty: while it is not, the hub gets every
   * batch of its symbol. Returns the newest ticker, which the hub judges its triggers against.
   */
  watch(symbol: string, on: boolean): TickerUpdate | null {
    if (on && !this.watched.has(symbol)) {
      this.watched.add(symbol);
      this.ctx.storage.sql.exec("INSERT INTO watched_hubs (symbol) VALUES (?) ON CONFLICT DO NOTHING", symbol);
    } else if (!on && this.watched.has(symbol)) {
      this.watched.delete(symbol);
      this.ctx.storage.sql.exec("DELETE FROM watched_hubs WHERE symbol = ?", symbol);
    }
    return this.quotes.get(symbol) ?? null;
  }

  /** A gateway shard declares the channels its sockets are subscribed to (empty = none). */
  setInterest(shard: string, channels: string[]): void {
    if (channels.length === 0) {
      this.interest.delete(shard);
      this.ctx.storage.sql.exec("DELETE FROM shard_interest WHERE shard = ?", shard);
      return;
    }
    this.interest.set(shard, new Set(channels));
    this.ctx.storage.sql.exec(
      "INSERT INTO shard_interest (shard, channels) VALUES (?, ?) ON CONFLICT (shard) DO UPDATE SET channels = excluded.channels",
      shard,
      JSON.stringify(channels),
    );
  }

  stats(): FeedStats {
    return {
      bridgeConnected: this.ctx.getWebSockets("bridge").length > 0,
      batches: this.batches,
      updates: this.updates,
      lastBatchAt: this.lastBatchAt,
      shards: this.interest.size,
    };
  }

  private reply(ws: WebSocket, frame: EdgeToBridgeFrame): void {
    ws.send(JSON.stringify(frame));
  }
}
