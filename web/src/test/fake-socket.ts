/**
 * A stand-in for the browser WebSocket, injected into the realtime client. Tests play the
 * server's part with `serverOpen`, `serverSend` and `serverClose`, and read what the client sent.
 */
import type { SocketFactory, SocketLike } from "../lib/realtime";

export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly sent: string[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("send() on a socket that is not open");
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.readyState = 2;
    this.closedWith = { code, reason };
  }

  /** Frames the client sent, parsed. */
  frames(): unknown[] {
    return this.sent.map((s) => JSON.parse(s) as unknown);
  }

  serverOpen(): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  serverSend(frame: unknown): void {
    this.onmessage?.(new MessageEvent("message", { data: typeof frame === "string" ? frame : JSON.stringify(frame) }));
  }

  serverClose(code: number, reason = ""): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code, reason }));
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
