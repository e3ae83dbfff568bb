/**
 * The telemetry's cost per request, measured in Node (workerd's clock does not move during
 * synchronous code, so in-Worker timing cannot see sub-millisecond work):
 *  - `record`: the recording path alone (route pattern lookup + TelemetryRecorder.recordRequest),
 *  - `request-off` / `request-on`: a full Hono request through the same app shape as the edge
 *    (request id + timing middleware + a /health-like JSON handler), without and with the
 *    requestMetrics middleware, alternating in chunks of 500 inside each round; the median round
 *    of each is kept.
 * The DO round trip of a flush is not in these figures: it runs after the response
 * (ctx.waitUntil), once per 64 requests or 1 s per isolate; here `ship` is a resolved no-op.
 */
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { requestTiming } from "../../../workers/api/src/telemetry/request-timing";
import { TelemetryRecorder } from "../../../workers/api/src/telemetry/recorder";

export interface CostResult {
  iterations: number;
  rounds: number;
  nsPerRecord: number;
  nsPerRequestOff: number;
  nsPerRequestOn: number;
  /** (on - off) / off: the middleware's whole share of a request. */
  overheadRatio: number;
  /** record / off: the recording path's share of the request's own cost. */
  recordRatio: number;
  /** Spread of the off figure over rounds (max/min - 1): how far this machine's noise lets us see. */
  noiseRatio: number;
}

type TestEnv = { Bindings: { TELEMETRY_ENABLED?: string }; Variables: { requestId: string } };

function buildApp(withTelemetry: boolean): Hono<TestEnv> {
  const app = new Hono<TestEnv>();
  app.use(requestId({ headerName: "X-Request-Id" }));
  if (withTelemetry) {
    app.use(requestTiming<TestEnv>({ enabled: (c) => c.env.TELEMETRY_ENABLED !== "false", ship: async () => undefined, requestId: (c) => c.get("requestId") }));
  }
  app.get("/health", (c) => c.json({ status: "ok", service: "bot-core-edge", uptimeSec: 1 }));
  app.get("/api/orders/:id", (c) => c.json({ id: c.req.param("id") }));
  return app;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timeRequests(app: Hono<TestEnv>, n: number, env: unknown, ctx: unknown): Promise<number> {
  const req = new Request("http://edge.test/health");
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const res = await app.fetch(req, env as never, ctx as never);
    await res.arrayBuffer();
  }
  return Number(process.hrtime.bigint() - t0) / n;
}

function timeRecord(n: number): number {
  const r = new TelemetryRecorder();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    r.recordRequest("GET", "/health", 200, 0.5, 1_000_000 + (i >> 10));
    if (r.shouldFlush(1_000_000)) r.drain(1_000_000);
  }
  return Number(process.hrtime.bigint() - t0) / n;
}

export async function measureTelemetryCost(options: { iterations?: number; rounds?: number } = {}): Promise<CostResult> {
  const iterations = options.iterations ?? 50_000;
  const rounds = options.rounds ?? 5;
  const env = { TELEMETRY_ENABLED: "true" };
  const ctx = { waitUntil: (p: Promise<unknown>) => void p.catch(() => undefined), passThroughOnException: () => undefined, props: {} };
  const off = buildApp(false);
  const on = buildApp(true);
  await timeRequests(off, 5000, env, ctx); // warm up both paths
  await timeRequests(on, 5000, env, ctx);
  timeRecord(50_000);
  const offs: number[] = [];
  const ons: number[] = [];
  const recs: number[] = [];
  // Chunks of 500 requests alternate off/on inside each round, so the machine's drift (other
  // engineers' jobs on the same 2 cores) hits both sides alike.
  const CHUNK = 500;
  for (let r = 0; r < rounds; r++) {
    let offSum = 0;
    let onSum = 0;
    for (let done = 0; done < iterations; done += CHUNK) {
      offSum += await timeRequests(off, CHUNK, env, ctx);
      onSum += await timeRequests(on, CHUNK, env, ctx);
    }
    offs.push(offSum / (iterations / CHUNK));
    ons.push(onSum / (iterations / CHUNK));
    recs.push(timeRecord(iterations));
  }
  const nsOff = median(offs);
  const nsOn = median(ons);
  const nsRec = median(recs);
  return {
    iterations,
    rounds,
    nsPerRecord: Math.round(nsRec),
    nsPerRequestOff: Math.round(nsOff),
    nsPerRequestOn: Math.round(nsOn),
    overheadRatio: (nsOn - nsOff) / nsOff,
    recordRatio: nsRec / nsOff,
    noiseRatio: Math.max(...offs) / Math.min(...offs) - 1,
  };
}
