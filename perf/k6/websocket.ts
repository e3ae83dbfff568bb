/**
 * WebSocket market data (spec §1.1 ws thresholds; "95 % of market data delivered within 100 ms"):
 * sockets ramp to 5,000 — one per dashboard at the market-open peak — and hold for 8 min. Each VU
 * opens /ws with its access token, subscribes to ticker, book and trades of SYMBOL after the
 * welcome, pings at the server's heartbeat, keeps the socket WS_SESSION seconds (60), reconnects.
 *
 * Latency per update is arrival (k6's clock) - bridgeTime (the bridge's clock): run k6 on an
 * NTP-synced host; `ws_clock_skewed` counts updates that seem to come from the future.
 *
 *   BASE_URL=https://edge.example.com k6 run perf/k6/websocket.ts
 */
import type { Options } from "k6/options";
import { accessToken, setupRun, type SetupData } from "./lib/auth.ts";
import { WS_SESSION_S } from "./lib/config.ts";
import { COMMON_OPTIONS } from "./lib/options.ts";
import { WEBSOCKET, scaled, scaledStages } from "./lib/stages.ts";
import { summaryOutputs, type SummaryData } from "./lib/summary.ts";
import { SPEC_WEBSOCKET } from "./lib/thresholds.ts";
import { marketDataSession } from "./lib/ws.ts";

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    websocket_market_data: {
      executor: "ramping-vus",
      startVUs: scaled(WEBSOCKET.startVUs),
      stages: scaledStages(WEBSOCKET.stages),
      gracefulRampDown: WEBSOCKET.gracefulRampDown,
      gracefulStop: WEBSOCKET.gracefulRampDown,
      exec: "watch",
    },
  },
  thresholds: {
    ...SPEC_WEBSOCKET,
    // Ours: error frames (bad frame, rate limited, token expired…) stay rare.
    ws_error_frames: ["count<100"],
  },
};

export function setup(): SetupData {
  return setupRun();
}

export function watch(data: SetupData): void {
  marketDataSession(accessToken(data), { holdMs: WS_SESSION_S * 1000 });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs("websocket", data);
}
