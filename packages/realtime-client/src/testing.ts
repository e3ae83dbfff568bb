/**
 * A stand-in for a WebSocket, injected into the realtime client by unit tests (browser or Node).
 * Tests play the server's part with `serverOpen`, `serverSend` and `serverClose`, and read what
 * the client sent.
 */
import type { SocketFactory, SocketLike } from "./client";
import { signal } from "./signal-fixture";

export { signal };

export class FakeSocket implements SocketLike {
  readyState = 0;
  protocol = "";
  binaryType = "blob";
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: Array<string | Uint8Array> = [];
  closedWith: { code: number | undefined; reason: string | undefined } | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  send(data: string | Uint8Array): void {
    if (this.readyState !== 1) throw new Error("send() on a socket that is not open");
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.readyState = 2;
    this.closedWith = { code, reason };
  }

  /** Text frames the client sent, parsed as JSON. */
  frames(): unknown[] {
    return this.sent.map((s) => {
      if (typeof s !== "string") throw new Error("a binary frame: read it with binaryFrames()");
      return JSON.parse(s) as unknown;
    });
  }

  /** Binary frames the client sent. */
  binaryFrames(): Uint8Array[] {
    return this.sent.filter((s): s is Uint8Array => typeof s !== "string");
  }

  /** Opens; `protocol` is what the server selects (default: the first offered). */
  serverOpen(protocol = this.protocols[0] ?? ""): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.onopen?.({ type: "open" });
  }

  /** A text frame (objects are sent as JSON) or, for bytes, a binary one. */
  serverSend(frame: unknown): void {
    const data = typeof frame === "string" || frame instanceof ArrayBuffer || ArrayBuffer.isView(frame) ? frame : JSON.stringify(frame);
    this.onmessage?.({ data });
  }

  serverClose(code: number, reason = ""): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** Open, then the server's welcome, as the edge does for a valid token. */
  accept(userId = "user-1"): void {
    this.serverOpen();
    this.serverSend({ type: "welcome", v: 1, userId, serverTime: Date.now(), heartbeatMs: 30_000 });
  }
}

/** A factory that records every socket it makes. */
export function fakeSocketFactory(): { create: SocketFactory; sockets: FakeSocket[]; last(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    create: (url, protocols) => {
      const s = new FakeSocket(url, protocols);
      sockets.push(s);
      return s;
    },
    last() {
      const s = sockets.at(-1);
      if (!s) throw new Error("no socket was created");
      return s;
    },
  };
}

export function tickerUpdate(price: string, overrides: Record<string, unknown> = {}) {
  return {
    channel: "ticker:BTCUSDT",
    kind: "ticker",
    symbol: "BTCUSDT",
    price,
    bid: price,
    ask: price,
    bidQty: "0.5",
    askQty: "0.25",
    eventTime: 1_700_000_000_000,
    bridgeTime: 1_700_000_000_001,
    ...overrides,
  };
}

/** A signal as the gateway delivers it on `signals:<SYMBOL>` (core's SignalUpdate plus the channel); overrides may be invalid on purpose. */
export function signalUpdate(overrides: Record<string, unknown> = {}) {
  return { channel: "signals:BTCUSDT", ...signal(), ...overrides };
}
