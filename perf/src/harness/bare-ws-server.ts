/**
 * The WebSocket baseline: a bare Node `ws` server that produces ticker updates at the same
 * rate over the same symbols as the bridge's simulator and fans them out every window (the
 * bridge's batch interval), one frame per socket per window carrying its channels' latest updates — the edge's design with no Workers
 * runtime, no Durable Object hops and no proxy. Run as a child process so it does not share the
 * load generator's event loop:  tsx bare-ws-server.ts <updatesPerSec> <windowMs>  (prints its port).
 */
import { WebSocketServer, type WebSocket } from "ws";
import { SYMBOL_NAMES } from "@bot-core/core";

const updatesPerSec = Number(process.argv[2] ?? 1000);
/** The fan-out window: the same as the bridge's batch interval in the edge measurement. */
const WINDOW_MS = Number(process.argv[3] ?? 50);

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
const subs = new Map<WebSocket, Set<string>>();

wss.on("connection", (ws) => {
  subs.set(ws, new Set());
  ws.on("message", (data) => {
    try {
      const frame = JSON.parse(data.toString()) as { type?: string; channels?: string[] };
      if (frame.type === "subscribe" && Array.isArray(frame.channels)) for (const c of frame.channels) subs.get(ws)?.add(c);
    } catch {
      ws.send('{"type":"error","code":"bad_frame","message":"not JSON"}');
    }
  });
  ws.on("close", () => subs.delete(ws));
});

let price = 6_400_000;
let carry = 0;
setInterval(() => {
  carry += (updatesPerSec * WINDOW_MS) / 1000;
  const n = Math.floor(carry);
  carry -= n;
  const now = Date.now();
  const latest = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const symbol = SYMBOL_NAMES[i % SYMBOL_NAMES.length]!;
    price += Math.random() < 0.5 ? -1 : 1;
    const p = (price / 100).toFixed(2);
    latest.set(
      `ticker:${symbol}`,
      JSON.stringify({ channel: `ticker:${symbol}`, kind: "ticker", symbol, price: p, bid: p, ask: p, bidQty: "1", askQty: "1", eventTime: now, bridgeTime: now }),
    );
  }
  if (latest.size === 0) return;
  for (const [ws, channels] of subs) {
    const parts: string[] = [];
    for (const c of channels) {
      const u = latest.get(c);
      if (u) parts.push(u);
    }
    if (parts.length) ws.send(`{"type":"md","sentAt":${now},"updates":[${parts.join(",")}]}`);
  }
}, WINDOW_MS);

wss.on("listening", () => {
  const address = wss.address();
  if (address && typeof address === "object") console.log(`PORT ${address.port}`);
});
process.on("SIGTERM", () => wss.close(() => process.exit(0)));
