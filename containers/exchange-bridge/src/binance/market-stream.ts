/**
 * One combined-stream WebSocket to Binance (`<ws>/stream?streams=a/b/c`), and how streams are
 * spread over several of them.
 *
 * - At most 1,024 streams per connection (Binance's limit): `shardStreams` splits beyond that.
 * - The first streams go in the URL; the rest are added with SUBSCRIBE messages, paced so the
 *   connection sends at most `messagesPerSec` (Binance closes a connection above 5 incoming
 *   messages per second, pongs included: the default 3 leaves room for them).
 * - Pings are answered with a pong carrying the ping's payload (`ws`'s autoPong).
 * - A dropped socket reconnects with capped exponential back-off + jitter; a connection is
 *   replaced before Binance's 24 h limit, make-before-break (the new socket is open and
 *   subscribed before the old one closes).
 * - `onConnected(reconnect)` fires on every (re)open, so the owner can backfill what it missed.
 */
import WebSocket from "ws";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from "../backoff";
import type { Logger } from "../log";

export const MAX_STREAMS_PER_CONNECTION = 1024;

/** Splits streams into groups of at most `max` (Binance: 1,024 per connection). */
export function shardStreams(streams: readonly string[], max = MAX_STREAMS_PER_CONNECTION): string[][] {
  if (!(max >= 1)) throw new RangeError("max must be >= 1");
  const shards: string[][] = [];
  for (let i = 0; i < streams.length; i += max) shards.push(streams.slice(i, i + max));
  return shards;
}

export interface StreamShardOptions {
  readonly id: number;
  readonly wsBaseUrl: string;
  readonly streams: readonly string[];
  readonly onMessage: (raw: string) => void;
  /** After every open: `reconnect` is false the first time. */
  readonly onConnected?: (reconnect: boolean) => void;
  readonly log: Logger;
  /** Streams named in the URL; the rest are SUBSCRIBEd (default 200). */
  readonly urlStreams?: number;
  /** Streams per SUBSCRIBE message (default 200). */
  readonly subscribeBatch?: number;
  /** Messages this client sends per second at most (default 3). */
  readonly messagesPerSec?: number;
  /** Replace the connection after this long (default 23 h 50 min). */
  readonly maxConnectionMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly random?: () => number;
}

export class StreamShard {
  readonly #o: StreamShardOptions;
  #socket: WebSocket | undefined;
  #stopped = true;
  #attempt = 0;
  #opens = 0;
  #retry: NodeJS.Timeout | undefined;
  #lifetime: NodeJS.Timeout | undefined;
  #pacer: NodeJS.Timeout | undefined;
  #nextId = 1;
  readonly stats = { opens: 0, drops: 0, proactive: 0, subscribeMessages: 0, messages: 0 };

  constructor(options: StreamShardOptions) {
    if (options.streams.length === 0 || options.streams.length > MAX_STREAMS_PER_CONNECTION) throw new RangeError(`a shard holds 1..${MAX_STREAMS_PER_CONNECTION} streams`);
    this.#o = options;
  }

  get streams(): readonly string[] {
    return this.#o.streams;
  }

  get connected(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#open(false);
  }

  /** Opens a replacement connection now and switches to it once it is subscribed (serverShutdown). */
  replace(): void {
    if (this.#stopped || !this.connected) return;
    this.stats.proactive++;
    this.#open(true);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearTimeout(this.#lifetime);
    clearTimeout(this.#pacer);
    const s = this.#socket;
    this.#socket = undefined;
    s?.removeAllListeners();
    s?.on("error", () => {});
    s?.terminate();
  }

  #url(): string {
    const first = this.#o.streams.slice(0, this.#o.urlStreams ?? 200);
    return `${this.#o.wsBaseUrl.replace(/\/+$/, "")}/stream?streams=${first.join("/")}`;
  }

  /** Opens a socket; `replacing` keeps the current one until the new one is ready. */
  #open(replacing: boolean): void {
    if (this.#stopped) return;
    const socket = new WebSocket(this.#url(), { handshakeTimeout: 10_000, autoPong: true, perMessageDeflate: false });
    if (!replacing) this.#socket = socket;
    let ready = false;
    socket.on("open", () => {
      this.#subscribeRest(socket, () => {
        if (this.#stopped) return socket.terminate();
        ready = true;
        const old = this.#socket;
        this.#socket = socket;
        if (replacing && old && old !== socket) {
          old.removeAllListeners();
          old.on("error", () => {});
          old.close(1000, "replaced before the 24 h limit");
        }
        this.#attempt = 0;
        this.stats.opens++;
        const reconnect = this.#opens++ > 0;
        clearTimeout(this.#lifetime);
        this.#lifetime = setTimeout(() => {
          this.stats.proactive++;
          this.#o.log.info("replacing market stream connection before the 24 h limit", { shard: this.#o.id });
          this.#open(true);
        }, this.#o.maxConnectionMs ?? 23 * 3_600_000 + 50 * 60_000);
        this.#lifetime.unref();
        this.#o.onConnected?.(reconnect);
      });
    });
    socket.on("message", (data, isBinary) => {
      if (isBinary || this.#socket !== socket) return; // a replacement socket speaks once it took over
      this.stats.messages++;
      this.#o.onMessage(String(data));
    });
    socket.on("error", (err) => this.#o.log.warn("market stream socket error", { shard: this.#o.id, err: err.message }));
    socket.on("close", (code) => {
      clearTimeout(this.#pacer);
      if (this.#socket !== socket && ready) return; // an old socket we replaced
      if (this.#socket !== socket && replacing) {
        // The replacement failed before taking over: keep the old one, try again later.
        this.#scheduleReplacement();
        return;
      }
      this.#socket = undefined;
      if (this.#stopped) return;
      this.stats.drops++;
      clearTimeout(this.#lifetime);
      const delay = backoffDelay(this.#attempt++, this.#o.backoff ?? DEFAULT_BACKOFF, this.#o.random ?? Math.random);
      this.#o.log.warn("market stream dropped; reconnecting", { shard: this.#o.id, code, delayMs: delay });
      this.#retry = setTimeout(() => this.#open(false), delay);
      this.#retry.unref();
    });
  }

  #scheduleReplacement(): void {
    const delay = backoffDelay(this.#attempt++, this.#o.backoff ?? DEFAULT_BACKOFF, this.#o.random ?? Math.random);
    this.#retry = setTimeout(() => this.#open(true), delay);
    this.#retry.unref();
  }

  /** SUBSCRIBEs the streams not in the URL, at most `messagesPerSec` messages per second. */
  #subscribeRest(socket: WebSocket, done: () => void): void {
    const rest = this.#o.streams.slice(this.#o.urlStreams ?? 200);
    const batch = this.#o.subscribeBatch ?? 200;
    const gapMs = Math.ceil(1000 / (this.#o.messagesPerSec ?? 3));
    let i = 0;
    const step = () => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (i >= rest.length) return done();
      const params = rest.slice(i, i + batch);
      i += batch;
      socket.send(JSON.stringify({ method: "SUBSCRIBE", params, id: this.#nextId++ }));
      this.stats.subscribeMessages++;
      this.#pacer = setTimeout(step, i >= rest.length ? 0 : gapMs);
    };
    step();
  }
}
