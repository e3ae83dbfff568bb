/**
 * The bridge's one WebSocket to the edge (`${EDGE_URL}/bridge/ws`).
 *
 * - Authenticates with `Authorization: Bearer <BRIDGE_TOKEN>` on the upgrade request and says
 *   hello (bridge id, source, symbols) as soon as the socket opens.
 * - Every `batchIntervalMs` sends what the conflator holds as batch frames (`seq` increases by
 *   one per frame for the life of the process), stamped with `bridgeTime`.
 * - Holds data back instead of queueing it in the socket when the edge reads slowly
 *   (`maxBufferedBytes`), and while disconnected: the conflator keeps the latest state and every
 *   closed candle, so memory stays bounded and the edge gets the current state on reconnect.
 * - Reconnects after any close or error with exponential backoff and jitter (0.5 s doubling to
 *   10 s, +≤20 %); the backoff starts over once a connection has stayed up for
 *   `stableAfterMs`, so an edge that accepts and immediately drops the bridge is not hammered.
 * - Detects half-open connections with ping/pong (`heartbeatMs`); answers the edge's pings
 *   (the ws library does).
 * - Never throws out of socket events: every failure is logged and retried.
 *
 * @example
 * const link = new EdgeLink({ edgeUrl, token, bridgeId, source: "simulator", symbols, batchIntervalMs: 50, log });
 * link.start();
 * source.onUpdate((u) => link.push(u));
 * // on shutdown:
 * await link.close();
 */
import { BRIDGE_WS_PATH, BridgeFrame, MAX_BRIDGE_BATCH, type MarketUpdate } from "@bot-core/core";
import WebSocket from "ws";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff";
import { DEFAULT_MAX_FRAME_BYTES, encodeBatchFrames, parseEdgeFrame, type HelloFrame } from "./bridge-frames";
import { Conflator, DEFAULT_MAX_PENDING_CLOSED } from "./conflator";
import type { Logger } from "./log";
import type { MarketSourceKind } from "./market-source";

export interface EdgeLinkOptions {
  /** Base URL of the edge (http, https, ws or wss); BRIDGE_WS_PATH is appended. */
  readonly edgeUrl: string;
  /** BRIDGE_TOKEN. Sent only in the Authorization header; never logged. */
  readonly token: string;
  readonly bridgeId: string;
  readonly source: MarketSourceKind;
  readonly symbols: readonly string[];
  readonly batchIntervalMs: number;
  readonly log: Logger;
  readonly backoff?: BackoffPolicy;
  /** A connection that stayed open this long resets the backoff (default 2000 ms). */
  readonly stableAfterMs?: number;
  /** Ping period; a missing pong by the next ping ends the connection. 0 disables (default 15000 ms). */
  readonly heartbeatMs?: number;
  readonly handshakeTimeoutMs?: number;
  /** Stop sending while more than this is queued in the socket (default 4 MiB). */
  readonly maxBufferedBytes?: number;
  readonly maxFrameBytes?: number;
  /** Closed candles kept while the edge is unreachable (default 50,000). */
  readonly maxPendingClosed?: number;
  /** Epoch ms for `sentAt`/`bridgeTime` (default Date.now). */
  readonly now?: () => number;
  /** Uniform [0, 1) for backoff jitter (default Math.random). */
  readonly random?: () => number;
}

/** What /health reports about the link. */
export interface EdgeLinkState {
  readonly connected: boolean;
  /** Epoch ms of the last batch frame sent, or null. */
  readonly lastSentAt: number | null;
  readonly batchesSent: number;
  readonly updatesSent: number;
  /** Reconnect attempts scheduled since start. */
  readonly reconnects: number;
  /** Updates waiting to be sent. */
  readonly pending: number;
  /** Closed candles dropped because the edge was away longer than the pending cap covers. */
  readonly droppedClosedKlines: number;
}

const CLOSE_NORMAL = 1000;
const MAX_INBOUND_BYTES = 64 * 1024;

/** `${edgeUrl}${BRIDGE_WS_PATH}` with http(s) turned into ws(s). */
export function bridgeSocketUrl(edgeUrl: string): string {
  const url = new URL(edgeUrl);
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  else if (url.protocol !== "ws:" && url.protocol !== "wss:") throw new Error(`unsupported edge URL scheme ${url.protocol}`);
  url.pathname = url.pathname.replace(/\/+$/, "") + BRIDGE_WS_PATH;
  return url.toString();
}

export class EdgeLink {
  readonly url: string;
  readonly #opts: EdgeLinkOptions;
  readonly #log: Logger;
  readonly #hello: string;
  readonly #conflator: Conflator;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #backoff: BackoffPolicy;
  readonly #stableAfterMs: number;
  readonly #heartbeatMs: number;
  readonly #maxBufferedBytes: number;
  readonly #maxFrameBytes: number;

  #ws: WebSocket | undefined;
  #started = false;
  #closing = false;
  #connected = false;
  #openedAt: number | undefined;
  #attempt = 0;
  #alive = true;
  #flushTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #closeWaiters: Array<() => void> = [];

  #seq = 0;
  #lastSentAt: number | null = null;
  #batchesSent = 0;
  #updatesSent = 0;
  #reconnects = 0;
  #stalled = false;

  constructor(options: EdgeLinkOptions) {
    if (!(options.batchIntervalMs >= 1)) throw new RangeError("batchIntervalMs must be >= 1");
    this.#opts = options;
    this.url = bridgeSocketUrl(options.edgeUrl);
    this.#log = options.log.child({ component: "edge-link" });
    const hello: HelloFrame = { type: "hello", bridgeId: options.bridgeId, source: options.source, symbols: [...options.symbols] };
    this.#hello = JSON.stringify(BridgeFrame.parse(hello));
    this.#conflator = new Conflator(options.maxPendingClosed ?? DEFAULT_MAX_PENDING_CLOSED);
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#stableAfterMs = options.stableAfterMs ?? 2_000;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.#maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Queues an update for the next batch (conflated). Cheap; call it for every update. */
  push(update: MarketUpdate): void {
    if (!this.#closing) this.#conflator.push(update);
  }

  state(): EdgeLinkState {
    return {
      connected: this.#connected,
      lastSentAt: this.#lastSentAt,
      batchesSent: this.#batchesSent,
      updatesSent: this.#updatesSent,
      reconnects: this.#reconnects,
      pending: this.#conflator.size,
      droppedClosedKlines: this.#conflator.dropped,
    };
  }

  /** Connects and starts the batch timer. Idempotent. */
  start(): void {
    if (this.#started || this.#closing) return;
    this.#started = true;
    this.#flushTimer = setInterval(() => this.#flush(), this.#opts.batchIntervalMs);
    this.#connect();
  }

  /**
   * Sends what is pending, closes the socket (1000) and stops reconnecting. Resolves when the
   * socket is closed, or after `timeoutMs` (the socket is then destroyed).
   */
  async close(timeoutMs = 2_000): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      clearInterval(this.#flushTimer);
      clearTimeout(this.#reconnectTimer);
      this.#stopHeartbeat();
      const ws = this.#ws;
      if (ws?.readyState === WebSocket.OPEN) {
        this.#flush();
        ws.close(CLOSE_NORMAL, "bridge shutting down");
      } else if (ws?.readyState === WebSocket.CONNECTING) {
        ws.terminate();
      }
    }
    const ws = this.#ws;
    if (!ws) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, timeoutMs);
      this.#closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #connect(): void {
    this.#reconnectTimer = undefined;
    if (this.#closing) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url, {
        headers: { Authorization: `Bearer ${this.#opts.token}` },
        handshakeTimeout: this.#opts.handshakeTimeoutMs ?? 10_000,
        perMessageDeflate: false,
        maxPayload: MAX_INBOUND_BYTES,
      });
    } catch (err) {
      this.#log.error("edge link could not create a socket", { err, url: this.url });
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.on("open", () => this.#onOpen(ws));
    ws.on("message", (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on("pong", () => {
      this.#alive = true;
    });
    ws.on("error", (err) => this.#onError(err));
    ws.on("close", (code, reason) => this.#onClose(ws, code, reason.toString("utf8")));
  }

  #onOpen(ws: WebSocket): void {
    if (ws !== this.#ws) return;
    this.#connected = true;
    this.#openedAt = this.#now();
    this.#alive = true;
    this.#stalled = false;
    this.#log.info("edge link connected", { url: this.url, attempt: this.#attempt });
    if (!this.#send(ws, this.#hello)) return;
    this.#startHeartbeat(ws);
    this.#flush(); // the current state right away, not one window later
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    this.#alive = true;
    if (isBinary) {
      this.#log.warn("edge sent a binary frame; ignored");
      return;
    }
    const parsed = parseEdgeFrame(rawToString(data));
    if (!parsed.ok) {
      this.#log.warn("edge sent an invalid frame; ignored", { reason: parsed.reason });
      return;
    }
    const frame = parsed.frame;
    if (frame.type === "welcome") {
      const offsetMs = frame.serverTime === undefined ? undefined : frame.serverTime - this.#now();
      this.#log.info("edge welcomed the bridge", { serverTime: frame.serverTime, clockOffsetMs: offsetMs });
    } else {
      this.#log.error("edge reported an error", { code: frame.code, message: frame.message });
    }
  }

  #onError(err: Error): void {
    if (this.#closing) return;
    const status = /Unexpected server response: (\d{3})/.exec(err.message)?.[1];
    if (status === "401" || status === "403") {
      this.#log.error("edge rejected the bridge credentials; check BRIDGE_TOKEN", { status: Number(status), url: this.url });
    } else {
      // Expected while the edge is down or restarting: message and code, no stack.
      this.#log.warn("edge link error", { error: err.message, code: (err as NodeJS.ErrnoException).code, url: this.url });
    }
  }

  #onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.#ws) return;
    const wasConnected = this.#connected;
    this.#ws = undefined;
    this.#connected = false;
    this.#stopHeartbeat();
    if (this.#closing) {
      this.#log.info("edge link closed", { code });
      for (const wake of this.#closeWaiters.splice(0)) wake();
      return;
    }
    const livedMs = this.#openedAt === undefined ? 0 : this.#now() - this.#openedAt;
    this.#openedAt = undefined;
    if (wasConnected && livedMs >= this.#stableAfterMs) this.#attempt = 0;
    if (wasConnected) this.#log.warn("edge link lost", { code, reason, livedMs, pending: this.#conflator.size });
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closing || this.#reconnectTimer) return;
    const delayMs = backoffDelay(this.#attempt, this.#backoff, this.#random);
    this.#attempt++;
    this.#reconnects++;
    this.#log.info("edge link reconnect scheduled", { delayMs, attempt: this.#attempt });
    this.#reconnectTimer = setTimeout(() => this.#connect(), delayMs);
  }

  #startHeartbeat(ws: WebSocket): void {
    if (this.#heartbeatMs <= 0) return;
    this.#heartbeatTimer = setInterval(() => {
      if (!this.#alive) {
        this.#log.warn("edge link heartbeat timed out; dropping the connection", { heartbeatMs: this.#heartbeatMs });
        ws.terminate();
        return;
      }
      this.#alive = false;
      try {
        ws.ping();
      } catch (err) {
        this.#log.warn("edge link ping failed", { err });
      }
    }, this.#heartbeatMs);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  /** Sends pending updates while the socket is open and not backed up. */
  #flush(): void {
    const ws = this.#ws;
    if (!ws || !this.#connected || ws.readyState !== WebSocket.OPEN || this.#conflator.size === 0) return;
    const sentAt = this.#now();
    let sent = false;
    while (this.#conflator.size > 0) {
      if (ws.bufferedAmount > this.#maxBufferedBytes) {
        if (!this.#stalled) {
          this.#stalled = true;
          this.#log.warn("edge is reading slowly; holding updates back", { bufferedBytes: ws.bufferedAmount, pending: this.#conflator.size });
        }
        break;
      }
      const updates = this.#conflator.drain(MAX_BRIDGE_BATCH);
      const frames = encodeBatchFrames(updates, { firstSeq: this.#seq, sentAt, maxBytes: this.#maxFrameBytes });
      for (const frame of frames) {
        if (!this.#send(ws, frame.text)) return;
        this.#seq = frame.seq + 1;
        this.#batchesSent++;
        this.#updatesSent += frame.count;
        sent = true;
      }
    }
    if (sent) this.#lastSentAt = sentAt;
    if (this.#stalled && this.#conflator.size === 0) {
      this.#stalled = false;
      this.#log.info("edge caught up");
    }
  }

  #send(ws: WebSocket, text: string): boolean {
    try {
      ws.send(text);
      return true;
    } catch (err) {
      // Only possible if the socket left OPEN between the check and the send; 'close' follows.
      this.#log.warn("edge link send failed", { err });
      return false;
    }
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}
