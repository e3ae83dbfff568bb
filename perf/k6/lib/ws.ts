/**
 * One dashboard's market-data socket: `/ws` with subprotocols `bot-core.v1` and `bearer.<token>`,
 * subscribe after `welcome` (as the dashboard does) to the symbol's ticker, book and trades
 * channels, hold the socket, ping at the server's heartbeat, close.
 *
 * Latency per update = the frame's arrival time on k6's clock (`event.timestamp`) - `bridgeTime`
 * (the bridge's clock): meaningful only when both clocks are NTP-synced; updates "from the future"
 * are counted in `ws_clock_skewed`.
 *
 * The subprotocols travel in the Sec-WebSocket-Protocol header because @types/k6 types the
 * constructor's `protocols` argument as null; k6 passes the header through unchanged.
 * `trades:` is a valid channel, but the bridge does not publish trades yet: no updates arrive on it.
 */
import { check } from "k6";
import { WebSocket, type MessageEvent } from "k6/websockets";
import { clearInterval, clearTimeout, setInterval, setTimeout } from "k6/timers";
import { SYMBOL, WS_URL } from "./config.ts";
import { wsClockSkewed, wsErrorFrames, wsMarketUpdates, wsMessageLatency, wsSubscribeDuration, wsSubscribeFailed } from "./metrics.ts";

export const WS_SUBPROTOCOL = "bot-core.v1";
export const WS_TOKEN_PREFIX = "bearer.";

export function marketChannels(symbol: string = SYMBOL): string[] {
  return [`ticker:${symbol}`, `book:${symbol}`, `trades:${symbol}`];
}

export interface WsSessionOptions {
  /** Close the socket after this long. */
  readonly holdMs: number;
  /** Close as soon as the first market update arrived (smoke). */
  readonly closeOnFirstUpdate?: boolean;
}

interface MarketUpdateFrame {
  channel?: unknown;
  kind?: unknown;
  bridgeTime?: unknown;
}

type ServerFrame =
  | { type: "welcome"; heartbeatMs?: unknown }
  | { type: "subscribed"; channels?: unknown }
  | { type: "md"; updates?: unknown }
  | { type: "error"; code?: unknown; message?: unknown }
  | { type: "pong" | "unsubscribed" };

function parseFrame(data: unknown): ServerFrame | undefined {
  if (typeof data !== "string") return undefined;
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string" ? (v as ServerFrame) : undefined;
  } catch {
    return undefined;
  }
}

/** Opens one socket and returns; k6 keeps the iteration alive until the socket is closed. */
export function marketDataSession(token: string, options: WsSessionOptions): void {
  const channels = marketChannels();
  const ws = new WebSocket(WS_URL, null, {
    headers: { "Sec-WebSocket-Protocol": `${WS_SUBPROTOCOL}, ${WS_TOKEN_PREFIX}${token}` },
    tags: { name: "ws_market_data" },
  });
  let openedAt = 0;
  let subscribed = false;
  let updates = 0;
  let heartbeat: number | undefined;
  let deadline: number | undefined;
  let finished = false;

  function stopTimers(): void {
    if (heartbeat !== undefined) clearInterval(heartbeat);
    if (deadline !== undefined) clearTimeout(deadline);
    heartbeat = deadline = undefined;
  }

  function finish(): void {
    stopTimers();
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000, "done");
  }

  ws.onopen = () => {
    openedAt = Date.now();
  };

  ws.onmessage = (event?: MessageEvent) => {
    const frame = parseFrame(event?.data);
    if (!event || !frame) return;
    switch (frame.type) {
      case "welcome": {
        ws.send(JSON.stringify({ type: "subscribe", id: "md", channels }));
        const every = typeof frame.heartbeatMs === "number" && frame.heartbeatMs >= 1000 ? frame.heartbeatMs : 30_000;
        heartbeat = setInterval(() => ws.send(JSON.stringify({ type: "ping", t: Date.now() })), every);
        return;
      }
      case "subscribed":
        if (!subscribed) wsSubscribeDuration.add(Date.now() - (openedAt || Date.now()));
        subscribed = true;
        return;
      case "md": {
        const list = Array.isArray(frame.updates) ? (frame.updates as MarketUpdateFrame[]) : [];
        for (const u of list) {
          if (typeof u.bridgeTime !== "number") continue;
          const latency = event.timestamp - u.bridgeTime;
          if (latency < 0) wsClockSkewed.add(1);
          const channel = typeof u.channel === "string" ? u.channel.split(":")[0]! : "unknown";
          wsMessageLatency.add(latency, { channel });
        }
        updates += list.length;
        wsMarketUpdates.add(list.length);
        if (options.closeOnFirstUpdate && updates > 0) finish();
        return;
      }
      case "error":
        wsErrorFrames.add(1, { code: typeof frame.code === "string" ? frame.code : "unknown" });
        return;
      default:
        return;
    }
  };

  ws.onclose = () => {
    stopTimers();
    if (finished) return;
    finished = true;
    wsSubscribeFailed.add(!subscribed);
    check(
      { openedAt, subscribed, updates },
      {
        "ws: connected": (s) => s.openedAt > 0,
        "ws: subscription acknowledged": (s) => s.subscribed,
        "ws: market data received": (s) => s.updates > 0,
      },
      { name: "ws_market_data" },
    );
  };

  ws.onerror = () => {
    // The close event follows and records the outcome; an error before open never opened.
    finish();
  };

  deadline = setTimeout(finish, options.holdMs);
}
