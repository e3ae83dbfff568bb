/**
 * Prometheus text exposition (format 0.0.4) of the edge's metrics, with the spec's names and
 * labels. Labels carry only route patterns, methods, statuses, symbols, sides, order types and
 * message types: no user ids, order ids, emails, prices or signals.
 */
import { BOUNDS_MS, emptyHistogram, type Histogram, mergeInto } from "./histogram";
import { appendExposition } from "./merge-exposition";
import type { SeriesName } from "./recorder";

export interface ExposedSeries {
  name: SeriesName;
  labels: Record<string, string>;
  hist: Histogram;
}

/** Summed over every gateway shard that answered. */
export interface WebSocketFigures {
  connectionsActive: number;
  sent: Record<string, number>;
  lagMs: number;
  slowConsumersClosed: number;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function num(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 1e6) / 1e6) : "0";
}

/** Groups series by a subset of their labels, merging histograms. */
function groupBy(series: ExposedSeries[], keys: string[], extra: Record<string, string> = {}): { labels: Record<string, string>; hist: Histogram }[] {
  const out = new Map<string, { labels: Record<string, string>; hist: Histogram }>();
  for (const s of series) {
    const labels: Record<string, string> = {};
    for (const k of keys) labels[k] = s.labels[k] ?? "";
    Object.assign(labels, extra);
    const key = JSON.stringify(labels);
    let g = out.get(key);
    if (!g) out.set(key, (g = { labels, hist: emptyHistogram() }));
    mergeInto(g.hist, s.hist);
  }
  return [...out.values()];
}

function histogramLines(name: string, help: string, groups: { labels: Record<string, string>; hist: Histogram }[], scale: number): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
  for (const g of groups) {
    let cumulative = 0;
    BOUNDS_MS.forEach((bound, i) => {
      cumulative += g.hist.buckets[i] ?? 0;
      lines.push(`${name}_bucket${labelText({ ...g.labels, le: num(bound * scale) })} ${cumulative}`);
    });
    lines.push(`${name}_bucket${labelText({ ...g.labels, le: "+Inf" })} ${g.hist.count}`);
    lines.push(`${name}_sum${labelText(g.labels)} ${num(g.hist.sumMs * scale)}`);
    lines.push(`${name}_count${labelText(g.labels)} ${g.hist.count}`);
  }
  return lines;
}

function counterLines(name: string, help: string, groups: { labels: Record<string, string>; hist: Histogram }[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, ...groups.map((g) => `${name}${labelText(g.labels)} ${g.hist.count}`)];
}

export function renderMetrics(series: ExposedSeries[], wsFigures: WebSocketFigures | null): string {
  const http = series.filter((s) => s.name === "http");
  const trades = series.filter((s) => s.name === "trade");
  const ws = series.filter((s) => s.name === "ws");
  const vital = (metric: string) => series.filter((s) => s.name === "rum" && s.labels.metric === metric);
  const service = { service: "edge" };
  const lines: string[] = [
    ...histogramLines("http_request_duration_seconds", "Edge request duration by method, route pattern and status.", groupBy(http, ["method", "endpoint", "status"], service), 1 / 1000),
    ...counterLines("http_requests_total", "Edge requests by method, route pattern and status.", groupBy(http, ["method", "endpoint", "status"], service)),
    ...histogramLines("trade_execution_duration_ms", "Order placement duration (validation, price, execution) in ms.", groupBy(trades, ["symbol", "side"]), 1),
    ...counterLines("trades_executed_total", "Order placements by symbol and outcome.", groupBy(trades, ["symbol", "status"])),
    ...histogramLines("order_processing_duration_seconds", "Order pipeline duration by operation, status and symbol.", groupBy(trades, ["status", "symbol"], { operation: "place" }), 1 / 1000),
    ...counterLines("orders_total", "Orders processed by status, side, type and symbol.", groupBy(trades, ["status", "side", "type", "symbol"])),
    ...histogramLines("websocket_message_latency_ms", "WebSocket message latency in ms by message type (md: bridge stamp to the gateway shard, worst update per batch).", groupBy(ws, ["message_type"]), 1),
    ...histogramLines("web_vitals_lcp_ms", "Dashboard Largest Contentful Paint in ms by page (POST /api/rum).", groupBy(vital("lcp"), ["page"]), 1),
    ...histogramLines("web_vitals_inp_ms", "Dashboard Interaction to Next Paint in ms by page (POST /api/rum).", groupBy(vital("inp"), ["page"]), 1),
    ...histogramLines("web_vitals_cls", "Dashboard Cumulative Layout Shift (unitless) by page (POST /api/rum).", groupBy(vital("cls"), ["page"]), 1 / 1000),
  ];
  if (wsFigures) {
    const ws = wsFigures;
    lines.push("# HELP websocket_connections_active Open client WebSockets over all gateway shards.", "# TYPE websocket_connections_active gauge", `websocket_connections_active ${ws.connectionsActive}`);
    lines.push("# HELP websocket_messages_sent_total Frames sent to clients by message type (per shard since its start).", "# TYPE websocket_messages_sent_total counter");
    for (const [type, n] of Object.entries(ws.sent).sort()) lines.push(`websocket_messages_sent_total${labelText({ message_type: type })} ${n}`);
    lines.push(
      "# HELP websocket_shard_lag_seconds Smoothed bridge-to-shard market-data lag (EWMA, worst shard); the histogram is websocket_message_latency_ms.",
      "# TYPE websocket_shard_lag_seconds gauge",
      `websocket_shard_lag_seconds ${num(ws.lagMs / 1000)}`,
      "# HELP websocket_slow_consumers_closed_total Sockets closed for not acknowledging market data.",
      "# TYPE websocket_slow_consumers_closed_total counter",
      `websocket_slow_consumers_closed_total ${ws.slowConsumersClosed}`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * The whole `/metrics` body: the edge's series, `bot_core_bridge_up`, and the bridge's own text
 * (prom-client) appended when it answered, minus any family the edge already has.
 */
export function scrapeText(series: ExposedSeries[], ws: WebSocketFigures | null, bridge: string | null): string {
  const text =
    renderMetrics(series, ws) +
    `# HELP bot_core_bridge_up Whether the bridge's /metrics answered this scrape.\n# TYPE bot_core_bridge_up gauge\nbot_core_bridge_up ${bridge === null ? 0 : 1}\n`;
  return bridge ? appendExposition(text, bridge).text : text;
}
