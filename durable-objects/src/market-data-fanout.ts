/**
 * Market-data fan-out of one Gateway shard.
 *
 * Sockets are grouped by their exact subscription set: every socket of a group receives the same
 * updates, so a group shares one window and one serialized frame body per window; only the
 * frame's per-socket counter `n` (flow control) is written per socket. A publish costs the
 * channels it touches times the groups following them, not the sockets on the shard — 1,000
 * sockets following a handful of popular watch lists are a handful of groups.
 *
 * Windows (WS_BATCH_WINDOW_MS, widened by the gateway under overload): a group that has not been
 * sent anything for a window gets an update at once (a slow symbol never waits); otherwise the
 * update waits for the window's end, conflated to the latest state per key (closed candles and
 * signals carry their own keys, so none is conflated away).
 *
 * Slow consumers: workerd gives no backpressure on `ws.send`, so clients acknowledge md frames;
 * a socket `slowFrames` frames behind is warned, at twice that it is closed (4008) — the rest of
 * its group is sent as usual.
 *
 * Sockets opened with `?frames=single` (the benchmark's unbatched comparison) get one frame per
 * update and are not grouped.
 *
 * This is an in-memory index only: the gateway rebuilds it from socket attachments after a
 * wake-up from hibernation.
 */
import type { Channel, MarketUpdate } from "@bot-core/core";
import { encode as encodeView } from "@msgpack/msgpack";

/** MessagePack bytes in a buffer of their own (a view into a shared buffer would send its neighbours). */
export const msgpackEncode = (value: unknown): Uint8Array => encodeView(value).slice();

/** Close code for a consumer that fell too far behind. */
export const CLOSE_SLOW_CONSUMER = 4008;

/** One market update on its way to sockets: serialized once per shard (JSON now, MessagePack when first needed). */
export interface MdPart {
  /** Conflation key: the channel for state, channel@id for records (closed candles, signals). */
  key: string;
  json: string;
  update: MarketUpdate & { channel: Channel };
  packed?: Uint8Array;
}

/** Per-connection counters kept in memory only (a hibernated socket was quiet anyway). */
export interface Flow {
  mdSent: number;
  mdAcked: number;
  warned: boolean;
  windowStart: number;
  inbound: number;
  strikes: number;
}

/** What a socket needs to receive market data. */
export interface FanOutMember {
  ws: WebSocket;
  flow: Flow;
  msgpack: boolean;
  single: boolean;
}

interface Member extends FanOutMember {
  group: Group | null;
  subs: ReadonlySet<string>;
}

interface Group {
  signature: string;
  channels: ReadonlySet<string>;
  members: Set<Member>;
  /** When this group was last sent a frame (its window starts there). */
  lastSentAt: number;
  /** Updates waiting for the window's end, latest per key. */
  pending: Map<string, MdPart> | null;
}

export interface FanOutOptions {
  /** Unacknowledged frames before a warning; twice as many close the socket. */
  slowFrames: number;
  /** Sends a warning frame (the gateway's own encoding and counters). */
  warn(ws: WebSocket, behind: number): void;
}

export interface FanOutCounters {
  frames: number;
  slowClosed: number;
}

export class MarketDataFanOut {
  private readonly members = new Map<WebSocket, Member>();
  private readonly groups = new Map<string, Group>();
  private readonly groupsByChannel = new Map<string, Set<Group>>();
  private readonly singles = new Set<Member>();
  private readonly counters: FanOutCounters = { frames: 0, slowClosed: 0 };

  constructor(private readonly options: FanOutOptions) {}

  /** Sets a socket's channels (empty: it receives nothing); moves it between groups as needed. */
  subscribe(member: FanOutMember, channels: Iterable<string>): void {
    const subs = new Set(channels);
    const current = this.members.get(member.ws);
    if (current) this.leave(current);
    if (subs.size === 0) return;
    const m: Member = { ...member, group: null, subs };
    this.members.set(member.ws, m);
    if (m.single) {
      this.singles.add(m);
      return;
    }
    const signature = [...subs].sort().join(",");
    let group = this.groups.get(signature);
    if (!group) {
      group = { signature, channels: subs, members: new Set(), lastSentAt: 0, pending: null };
      this.groups.set(signature, group);
      for (const c of subs) {
        let set = this.groupsByChannel.get(c);
        if (!set) this.groupsByChannel.set(c, (set = new Set()));
        set.add(group);
      }
    }
    group.members.add(m);
    m.group = group;
  }

  /** The socket is gone (closed, cut off): it leaves its group. Idempotent. */
  remove(ws: WebSocket): void {
    const m = this.members.get(ws);
    if (m) this.leave(m);
  }

  /** Whether the socket receives market data here. */
  has(ws: WebSocket): boolean {
    return this.members.has(ws);
  }

  /** The union of every socket's channels (what the shard asks the feed for). */
  channels(): string[] {
    const out = new Set<string>(this.groupsByChannel.keys());
    for (const m of this.singles) for (const c of m.subs) out.add(c);
    return [...out];
  }

  /** Frames sent and sockets cut off since this instance started. */
  stats(): Readonly<FanOutCounters> {
    return this.counters;
  }

  /**
   * Hands a batch (already serialized, grouped by channel) to every socket following it. Returns
   * the earliest time a waiting window must be flushed, or null when nothing waits.
   */
  publish(byChannel: ReadonlyMap<string, MdPart[]>, now: number, windowMs: number): number | null {
    const touched = new Map<Group, MdPart[]>();
    for (const [channel, parts] of byChannel) {
      const groups = this.groupsByChannel.get(channel);
      if (groups) {
        for (const g of groups) {
          const list = touched.get(g);
          if (list) list.push(...parts);
          else touched.set(g, [...parts]);
        }
      }
    }
    for (const m of this.singles) {
      for (const [channel, parts] of byChannel) {
        if (!m.subs.has(channel)) continue;
        for (const p of parts) this.sendTo(m, [p], now, p.json, undefined);
      }
    }
    for (const [g, parts] of touched) {
      if (g.pending === null && now - g.lastSentAt >= windowMs) {
        // Conflate within this batch too: the latest state per key.
        const latest = new Map<string, MdPart>();
        for (const p of parts) latest.set(p.key, p);
        this.sendGroup(g, [...latest.values()], now);
      } else {
        const pending = (g.pending ??= new Map());
        for (const p of parts) pending.set(p.key, p);
      }
    }
    return this.nextDue(windowMs);
  }

  /** Sends every window that has ended by `now`; returns when the next one ends, or null. */
  flush(now: number, windowMs: number): number | null {
    for (const g of this.groups.values()) {
      if (g.pending !== null && g.lastSentAt + windowMs <= now) {
        const parts = [...g.pending.values()];
        g.pending = null;
        this.sendGroup(g, parts, now);
      }
    }
    return this.nextDue(windowMs);
  }

  private nextDue(windowMs: number): number | null {
    let due: number | null = null;
    for (const g of this.groups.values()) {
      if (g.pending !== null) due = Math.min(due ?? Infinity, g.lastSentAt + windowMs);
    }
    return due;
  }

  /** One frame to each member of a group: the body is serialized once, `n` per socket. */
  private sendGroup(g: Group, parts: MdPart[], now: number): void {
    g.lastSentAt = now;
    let json: string | undefined;
    let packed: Uint8Array[] | undefined;
    for (const m of g.members) {
      if (m.msgpack) packed ??= parts.map((p) => (p.packed ??= msgpackEncode(p.update)));
      else json ??= parts.map((p) => p.json).join(",");
      this.sendTo(m, parts, now, json, packed);
    }
  }

  /** One md frame, unless the socket is too far behind (then warned, and at twice the limit closed). */
  private sendTo(m: Member, parts: MdPart[], now: number, json: string | undefined, packed: Uint8Array[] | undefined): void {
    const flow = m.flow;
    const behind = flow.mdSent - flow.mdAcked;
    const slow = this.options.slowFrames;
    if (behind >= 2 * slow) {
      this.counters.slowClosed++;
      this.leave(m);
      try {
        m.ws.close(CLOSE_SLOW_CONSUMER, `slow consumer: ${behind} market-data frames unacknowledged`);
      } catch {
        // already closing
      }
      return;
    }
    if (behind >= slow && !flow.warned) {
      flow.warned = true;
      this.options.warn(m.ws, behind);
    }
    try {
      const n = ++flow.mdSent;
      m.ws.send(
        m.msgpack
          ? packedMdFrame(n, now, packed ?? parts.map((p) => (p.packed ??= msgpackEncode(p.update))))
          : `{"type":"md","n":${n},"sentAt":${now},"updates":[${json ?? parts.map((p) => p.json).join(",")}]}`,
      );
      this.counters.frames++;
    } catch {
      // closing; its close handler removes it
    }
  }

  private leave(m: Member): void {
    this.members.delete(m.ws);
    this.singles.delete(m);
    const g = m.group;
    m.group = null;
    if (!g) return;
    g.members.delete(m);
    if (g.members.size > 0) return;
    this.groups.delete(g.signature);
    for (const c of g.channels) {
      const set = this.groupsByChannel.get(c);
      set?.delete(g);
      if (set?.size === 0) this.groupsByChannel.delete(c);
    }
  }
}

const MD_KEYS = { type: msgpackEncode("type"), md: msgpackEncode("md"), n: msgpackEncode("n"), sentAt: msgpackEncode("sentAt"), updates: msgpackEncode("updates") };

/**
 * A MessagePack md frame `{type:"md", n, sentAt, updates:[…]}` assembled from updates encoded once
 * per shard (the array's items are concatenated, not re-encoded per socket).
 */
export function packedMdFrame(n: number, sentAt: number, items: Uint8Array[]): Uint8Array {
  const count = items.length;
  const header = count < 16 ? Uint8Array.of(0x90 | count) : count < 65536 ? Uint8Array.of(0xdc, count >> 8, count & 0xff) : Uint8Array.of(0xdd, count >>> 24, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff);
  const chunks = [Uint8Array.of(0x84), MD_KEYS.type, MD_KEYS.md, MD_KEYS.n, msgpackEncode(n), MD_KEYS.sentAt, msgpackEncode(sentAt), MD_KEYS.updates, header, ...items];
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
