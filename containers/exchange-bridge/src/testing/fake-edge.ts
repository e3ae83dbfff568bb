/**
 * Test helper: a fake edge — a real `ws` server on 127.0.0.1 (port 0 by default) at
 * BRIDGE_WS_PATH that checks the bearer token and records, validated, every frame it receives.
 */
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { BRIDGE_WS_PATH, BridgeFrame } from "@bot-core/core";
import { WebSocketServer, type ServerOptions, type WebSocket } from "ws";

export type BatchFrame = Extract<BridgeFrame, { type: "batch" }>;

export interface EdgeConnection {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  /** Every frame received, parsed with the core BridgeFrame schema (a bad frame throws). */
  readonly frames: BridgeFrame[];
  closeCode?: number;
}

export interface FakeEdge {
  readonly port: number;
  /** http://127.0.0.1:<port>, as EDGE_URL. */
  readonly url: string;
  readonly connections: EdgeConnection[];
  /** Times of upgrade attempts, accepted or not. */
  readonly attempts: number[];
  /** Frames that failed the core schema (should stay empty). */
  readonly invalidFrames: string[];
  batches(): BatchFrame[];
  close(): Promise<void>;
}

export interface FakeEdgeOptions {
  readonly port?: number;
  /** Token the edge accepts (checked on the Authorization header). */
  readonly token?: string;
  /** Overrides the token check. */
  readonly accept?: (req: IncomingMessage) => boolean;
  readonly onConnection?: (c: EdgeConnection) => void;
  readonly server?: Partial<ServerOptions>;
}

export async function startFakeEdge(options: FakeEdgeOptions = {}): Promise<FakeEdge> {
  const connections: EdgeConnection[] = [];
  const attempts: number[] = [];
  const invalidFrames: string[] = [];
  const accept = options.accept ?? ((req: IncomingMessage) => req.headers.authorization === `Bearer ${options.token}`);
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: options.port ?? 0,
    path: BRIDGE_WS_PATH,
    ...options.server,
    verifyClient: (info, done) => {
      attempts.push(Date.now());
      if (accept(info.req)) done(true);
      else done(false, 401, "Unauthorized");
    },
  });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  wss.on("connection", (socket, request) => {
    const c: EdgeConnection = { socket, request, frames: [] };
    connections.push(c);
    socket.on("message", (data) => {
      const text = String(data);
      const parsed = BridgeFrame.safeParse(JSON.parse(text));
      if (parsed.success) c.frames.push(parsed.data);
      else invalidFrames.push(text.slice(0, 500));
    });
    socket.on("close", (code) => {
      c.closeCode = code;
    });
    options.onConnection?.(c);
  });
  const port = (wss.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections,
    attempts,
    invalidFrames,
    batches: () => connections.flatMap((c) => c.frames).filter((f): f is BatchFrame => f.type === "batch"),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      })),
  };
}

/** Polls `condition` every 5 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
