/**
 * One HTTP load measurement with autocannon: fixed concurrency for a fixed time, latency of
 * every response in an HdrHistogram, per-second throughput, and the server's own view of each
 * request from its `Server-Timing` header (`app;dur=…`).
 */
import type { IncomingHttpHeaders } from "node:http";
import autocannon from "autocannon";
import { latencyRecorder, type LatencyRecorder } from "./histogram";

export interface HttpLoadOptions {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** A fixed body, or one built per request (e.g. a fresh idempotency key). */
  body?: string | (() => string);
  /** Headers and body built per request (e.g. a different user's token each time). */
  request?: () => { headers: Record<string, string>; body?: string };
  connections: number;
  durationSec: number;
  /** Statuses that count as success (default: 2xx). */
  expectStatus?: (status: number) => boolean;
}

export interface HttpLoadResult {
  latency: LatencyRecorder;
  server: LatencyRecorder;
  total: number;
  errors: number;
  throughput: number;
  timeline: Array<{ t: number; rate: number; p99?: number }>;
  statuses: Record<string, number>;
}

const SERVER_TIMING_RE = /(?:^|,)\s*app;dur=([0-9.]+)/;

export async function httpLoad(o: HttpLoadOptions): Promise<HttpLoadResult> {
  const latency = latencyRecorder();
  const server = latencyRecorder();
  const perSecond: number[] = [];
  const perSecondLatency: ReturnType<typeof latencyRecorder>[] = [];
  const statuses: Record<string, number> = {};
  const ok = o.expectStatus ?? ((s: number) => s >= 200 && s < 300);
  let errors = 0;
  let total = 0;
  const started = process.hrtime.bigint();

  const bodyOf = typeof o.body === "function" ? o.body : undefined;
  const request: autocannon.Request = {
    method: o.method ?? "GET",
    headers: o.headers ?? {},
    ...(typeof o.body === "string" ? { body: o.body } : {}),
    ...(bodyOf ? { setupRequest: (req: autocannon.Request) => ({ ...req, body: bodyOf() }) } : {}),
    ...(o.request ? { setupRequest: (req: autocannon.Request) => ({ ...req, ...o.request!() }) } : {}),
    onResponse: (status: number, _body: string, _ctx: object, headers?: IncomingHttpHeaders) => {
      const raw = headers?.["server-timing"] ?? headers?.["Server-Timing" as "server-timing"];
      const timing = Array.isArray(raw) ? raw.join(",") : raw;
      const m = timing ? SERVER_TIMING_RE.exec(timing) : null;
      if (m?.[1]) server.record(Number(m[1]));
      if (!ok(status)) errors++;
      statuses[status] = (statuses[status] ?? 0) + 1;
    },
  };

  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      { url: o.url, connections: o.connections, duration: o.durationSec, requests: [request], timeout: 30 },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    total++;
    latency.record(responseTimeMs);
    const second = Math.floor(Number(process.hrtime.bigint() - started) / 1e9);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
    (perSecondLatency[second] ??= latencyRecorder()).record(responseTimeMs);
  });
  const summary = await done;
  errors += summary.errors + summary.timeouts;

  const seconds = Math.max(1, Math.min(o.durationSec, perSecond.length));
  const timeline = Array.from({ length: seconds }, (_, t) => ({
    t,
    rate: perSecond[t] ?? 0,
    ...(perSecondLatency[t] ? { p99: perSecondLatency[t]!.summary().p99 } : {}),
  }));
  return { latency, server, total, errors, throughput: total / o.durationSec, timeline, statuses };
}
