/**
 * ops/ checked with the real Prometheus tools (Debian's prometheus package: promtool): the alert
 * rules load and every alert fires and resolves on test series; the scrape config loads; the
 * edge's exposition and the merged `/metrics` body (edge + the bridge's real prom-client text,
 * composed by the same function the route uses) pass `promtool check metrics`.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { emptyHistogram, observe } from "../../../workers/api/src/telemetry/histogram";
import { renderMetrics, scrapeText, type ExposedSeries } from "../../../workers/api/src/telemetry/exposition";
import { createBridgeMetrics } from "../../../containers/exchange-bridge/src/metrics";

const OPS = fileURLToPath(new URL("../../../ops/", import.meta.url));
const PROMTOOL = process.env.PROMTOOL_BIN ?? "/usr/bin/promtool";

function promtool(args: string[], input?: string) {
  const r = spawnSync(PROMTOOL, args, { encoding: "utf8", input, cwd: OPS });
  if (r.error) throw new Error(`${PROMTOOL} cannot run (${r.error.message}): apt-get install -y prometheus`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const alertNames = () => [...new Set([...readFileSync(join(OPS, "alerts.yml"), "utf8").matchAll(/- alert: (\w+)/g)].map((m) => m[1]))];

describe("ops/ alert rules", () => {
  it("pass promtool check rules, with a warning (5 min) and a critical (2 min) rule per spec threshold", () => {
    const r = promtool(["check", "rules", "alerts.yml"]);
    expect(r.out).toContain("SUCCESS: 14 rules found");
    expect(r.status).toBe(0);
    expect(alertNames()).toEqual(["ApiLatencyP95High", "WebSocketLatencyHigh", "DatabaseQueryP95High", "TradeExecutionP95High", "AnalysisP95High", "FrontendLcpHigh", "ThroughputLow"]);
    const text = readFileSync(join(OPS, "alerts.yml"), "utf8");
    for (const threshold of ["> 0.2\n", "> 100\n", "> 50\n", "> 1000\n", "> 5000\n", "> 3000\n", "< 700\n"]) expect(text).toContain(threshold);
  });

  it("fire and resolve on test series (promtool test rules), and every alert has a test", () => {
    const tests = readFileSync(join(OPS, "alerts.test.yml"), "utf8");
    for (const name of alertNames()) expect(tests.match(new RegExp(`alertname: ${name}\\n`, "g"))?.length).toBe(3);
    const r = promtool(["test", "rules", "alerts.test.yml"]);
    expect(r.out).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it.each([
    ["> 1000\n", "> 9000\n", "TradeExecutionP95High"],
    ["> 3000\n", "> 30000\n", "FrontendLcpHigh"],
    ["rate(websocket_message_latency_ms_bucket[5m]))) > 100\n", "rate(websocket_message_latency_ms_bucket[5m]))) > 1000\n", "WebSocketLatencyHigh"],
  ])("would catch a wrong threshold (the test series are sensitive to it): %s -> %s", (from, to, alert) => {
    const dir = mkdtempSync(join(tmpdir(), "bot-core-alerts-"));
    const rules = readFileSync(join(OPS, "alerts.yml"), "utf8");
    expect(rules).toContain(from);
    writeFileSync(join(dir, "alerts.yml"), rules.replace(from, to));
    copyFileSync(join(OPS, "alerts.test.yml"), join(dir, "alerts.test.yml"));
    const r = spawnSync(PROMTOOL, ["test", "rules", "alerts.test.yml"], { encoding: "utf8", cwd: dir });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain(alert);
  });
});

describe("ops/ Prometheus config and the edge's exposition", () => {
  it("the scrape config loads (promtool check config)", () => {
    const dir = mkdtempSync(join(tmpdir(), "bot-core-prom-"));
    mkdirSync(join(dir, "ops"));
    mkdirSync(join(dir, ".data", "prometheus"), { recursive: true });
    writeFileSync(join(dir, ".data", "prometheus", "metrics-token"), "token");
    for (const f of ["prometheus.yml", "alerts.yml"]) copyFileSync(join(OPS, f), join(dir, "ops", f));
    const r = spawnSync(PROMTOOL, ["check", "config", join(dir, "ops", "prometheus.yml")], { encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("the /metrics exposition passes promtool check metrics", () => {
    const hist = emptyHistogram();
    for (const ms of [0.4, 3, 12, 180, 250, 40_000]) observe(hist, ms);
    const series: ExposedSeries[] = [
      { name: "http", labels: { method: "GET", endpoint: "/health", status: "200" }, hist },
      { name: "http", labels: { method: "GET", endpoint: "/api/orders/:id", status: "404" }, hist },
      { name: "http", labels: { method: "GET", endpoint: 'odd "quoted" \\ path', status: "404" }, hist },
      { name: "trade", labels: { symbol: "BTCUSDT", side: "buy", type: "market", status: "filled" }, hist },
      { name: "trade", labels: { symbol: "ETHUSDT", side: "sell", type: "limit", status: "rejected" }, hist },
      { name: "ws", labels: { message_type: "md" }, hist },
      { name: "rum", labels: { metric: "lcp", page: "/markets" }, hist },
      { name: "rum", labels: { metric: "inp", page: "/" }, hist },
      { name: "rum", labels: { metric: "cls", page: "other" }, hist },
    ];
    const text = renderMetrics(series, { connectionsActive: 3, sent: { md: 10, event: 2 }, lagMs: 4.5, slowConsumersClosed: 0 });
    const r = promtool(["check", "metrics"], text);
    // Exit 3 = lint findings only (1 would be a parse error). The only findings allowed are the
    // spec's own *_ms names, which Prometheus' naming lint dislikes but the spec mandates.
    const findings = r.out.split("\n").filter(Boolean);
    expect(findings.every((f) => /^\w+_ms metric names should not contain abbreviated units$/.test(f))).toBe(true);
    expect(findings.map((f) => f.split(" ")[0]).sort()).toEqual(["trade_execution_duration_ms", "web_vitals_inp_ms", "web_vitals_lcp_ms", "websocket_message_latency_ms"]);
    expect(text).toContain("# TYPE websocket_message_latency_ms histogram");
    expect(text).toContain("# TYPE web_vitals_lcp_ms histogram");
    expect(text).toContain('web_vitals_cls_bucket{page="other",le="0.001"}');
    expect(r.status).toBe(3);
    // and a broken exposition is refused: the check is real
    expect(promtool(["check", "metrics"], text.replace('http_requests_total{method="GET"', 'http_requests_total{method=GET')).status).toBe(1);
  });

  it("the merged /metrics body (edge + bridge prom-client text) parses, with one HELP/TYPE per family", async () => {
    const hist = emptyHistogram();
    for (const ms of [0.4, 3, 12, 180]) observe(hist, ms);
    const series: ExposedSeries[] = [
      { name: "http", labels: { method: "GET", endpoint: "/health", status: "200" }, hist },
      { name: "trade", labels: { symbol: "BTCUSDT", side: "buy", type: "market", status: "filled" }, hist },
    ];
    const bridge = createBridgeMetrics();
    bridge.observeQuery("sqlite", "trades", "tradesByUser", 0.7);
    bridge.observeQuery("mongodb", "outbox", "applyOutbox", 12);
    bridge.trackMongoPool({ on: () => undefined });
    bridge.cacheMiss("BTCUSDT");
    bridge.cacheHit("BTCUSDT");
    bridge.analysisDone("BTCUSDT", "signal-mlp-v1", 180);
    // A family the edge already exposes, as a misconfigured bridge might add: it must be dropped.
    const bridgeText = `${await bridge.registry.metrics()}# HELP http_requests_total dup\n# TYPE http_requests_total counter\nhttp_requests_total{service="bridge"} 1\n`;
    const text = scrapeText(series, { connectionsActive: 1, sent: { md: 3 }, lagMs: 2, slowConsumersClosed: 0 }, bridgeText);
    const types = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    expect(types.length).toBe(new Set(types).size);
    for (const name of ["http_requests_total", "bot_core_bridge_up", "mongodb_query_duration_ms", "mongodb_connections_active", "ai_analysis_duration_ms", "ai_cache_hit_rate", "ai_queue_depth", "process_cpu_seconds_total"]) {
      expect(types).toContain(name);
    }
    expect(text).toContain("bot_core_bridge_up 1");
    expect(text).not.toContain('http_requests_total{service="bridge"}');
    const r = promtool(["check", "metrics"], text);
    const findings = r.out.split("\n").filter(Boolean);
    // Lint findings only (exit 3): the spec's *_ms names and prom-client's own nodejs_active_*_total
    // gauges. A parse error (a duplicate family, a bad line) would be exit 1.
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f).toMatch(/^(\w+_ms metric names should not contain abbreviated units|nodejs_active_\w+_total non-counter metrics should not have "_total" suffix)$/);
    expect(r.status).toBe(3);
    // without the de-duplication the same text is refused
    const naive = `${renderMetrics(series, null)}${bridgeText}`;
    expect(promtool(["check", "metrics"], naive).status).toBe(1);
  });

  it("the Grafana dashboard has the real-time, historical and user-experience rows", () => {
    const dash = JSON.parse(readFileSync(join(OPS, "grafana", "bot-core-performance.json"), "utf8")) as { panels: { type: string; title: string; targets?: { expr: string }[] }[] };
    expect(dash.panels.filter((p) => p.type === "row").map((p) => p.title)).toEqual(["Real-time performance", "Historical trends", "User experience"]);
    const exprs = dash.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr).join("\n");
    for (const name of ["http_request_duration_seconds_bucket", "http_requests_total", "trade_execution_duration_ms_bucket", "websocket_connections_active", "websocket_message_latency_ms_bucket", "web_vitals_lcp_ms_bucket", "mongodb_query_duration_ms_bucket", "ai_analysis_duration_ms_bucket", "ai_cache_hit_rate"]) expect(exprs).toContain(name);
  });
});
