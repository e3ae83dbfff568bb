/** Helpers for edge tests: call the Worker as a client would, and open sockets through it. */
import { exports, env } from "cloudflare:workers";
import type { AuthResponse, TickerUpdate } from "@bot-core/core";
import { marketFeedOf } from "../../../durable-objects/src/market-feed";

export const BASE = "http://edge.test";

export function call(path: string, init: RequestInit & { json?: unknown; ip?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  headers.set("cf-connecting-ip", init.ip ?? `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  return exports.default.fetch(new Request(`${BASE}${path}`, { ...init, headers, body }));
}

let counter = 0;
export function uniqueEmail(prefix = "trader"): string {
  return `${prefix}-${Date.now().toString(36)}-${counter++}@example.com`;
}

export async function register(email = uniqueEmail(), password = "correct horse battery"): Promise<AuthResponse> {
  const res = await call("/auth/register", { method: "POST", json: { email, password } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export interface TestSocket {
  ws: WebSocket;
  frames: unknown[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first frame (already received or future) that matches. */
  next(match: (f: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  send(frame: unknown): void;
}

export async function openSocket(
  path: string,
  protocols: string[] = [],
  extraHeaders: Record<string, string> = {},
): Promise<{ res: Response; socket?: TestSocket }> {
  const headers: Record<string, string> = { Upgrade: "websocket", ...extraHeaders };
  if (protocols.length) headers["Sec-WebSocket-Protocol"] = protocols.join(", ");
  const res = await call(path, { headers });
  const ws = res.webSocket;
  if (!ws) return { res };
  ws.accept();
  const frames: unknown[] = [];
  const waiters: Array<() => void> = [];
  ws.addEventListener("message", (e) => {
    frames.push(JSON.parse(typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data as ArrayBuffer)));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  const socket: TestSocket = {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    next(match, timeoutMs = 3000) {
      let seen = 0;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`)), timeoutMs);
        const scan = () => {
          for (; seen < frames.length; seen++) {
            const f = frames[seen] as Record<string, unknown>;
            if (match(f)) {
              clearTimeout(timer);
              frames.splice(seen, 1);
              return resolve(f);
            }
          }
          waiters.push(scan);
        };
        scan();
      });
    },
  };
  return { res, socket };
}

export function bridgeToken(): string {
  return env.BRIDGE_TOKEN;
}

/** Sends a ticker the way the bridge does: through the MarketFeed, which quotes orders and forwards it to the hub. */
export async function publishTicker(t: TickerUpdate): Promise<void> {
  await marketFeedOf(env).ingest([t]);
}
