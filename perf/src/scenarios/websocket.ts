/**
 * Market data over WebSockets, end to end: the bridge's simulator drives R updates/s into the
 * edge; S sockets each subscribed to 10 of the 20 symbols' tickers measure latency from
 * bridgeTime to arrival. Baseline, same run: a bare Node `ws` fan-out server fed at the same
 * rate (no Workers runtime, no DO hops, no proxy), with the same sockets and subscriptions.
 * Also in the same run: the edge with unbatched sends (`?frames=single`, one frame per update) on
 * a tenth of the sockets — at the full count it would only show the collapse — and the memory of
 * the workerd process (RSS) with all sockets connected.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SYMBOL_NAMES, WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from "@bot-core/core";
import { ROOT } from "../../../scripts/stack.mjs";
import { median } from "../harness/histogram";
import { wsLoad, type WsLoadResult } from "../harness/ws-load";
import type { Measurement } from "../result-schema";
import { ratiosOf, type Scenario } from "./types";

/** Socket i's subscriptions: 10 of the 20 symbols' tickers, spread so each symbol has 500 sockets. */
export function channelsFor(i: number): string[] {
  return Array.from({ length: 10 }, (_, k) => `ticker:${SYMBOL_NAMES[(i + k * 2) % SYMBOL_NAMES.length]}`);
}

async function startBareWs(updatesPerSec: number, windowMs: number): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "perf/src/harness/bare-ws-server.ts"), String(updatesPerSec), String(windowMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      const m = /PORT (\d+)/.exec(d);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`bare ws server exited (${code})`)));
  });
  return { url: `ws://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}

function toMeasurement(id: string, label: string, role: "target" | "baseline", sockets: number, durationSec: number, runs: WsLoadResult[]): Measurement {
  const s = runs.map((r) => r.latency.summary());
  const c = runs.map((r) => r.connect.summary());
  const med = (xs: number[]) => Math.round(median(xs) * 1000) / 1000;
  const middle = [...runs].sort((a, b) => a.updatesPerSec - b.updatesPerSec)[Math.floor(runs.length / 2)]!;
  return {
    id,
    label,
    role,
    concurrency: sockets,
    durationSec,
    latencyMs: { p50: med(s.map((x) => x.p50)), p95: med(s.map((x) => x.p95)), p99: med(s.map((x) => x.p99)), max: med(s.map((x) => x.max)), mean: med(s.map((x) => x.mean)) },
    throughput: Math.round(median(runs.map((r) => r.updatesPerSec))),
    unit: "msg/s",
    total: runs.reduce((n, r) => n + r.updates, 0),
    errors: runs.reduce((n, r) => n + r.failed + r.errorFrames, 0),
    timeline: middle.timeline,
    repeats: runs.map((r, i) => ({ p50: s[i]!.p50, p99: s[i]!.p99, throughput: Math.round(r.updatesPerSec) })),
    extra: {
      connectP50Ms: med(c.map((x) => x.p50)),
      connectP95Ms: med(c.map((x) => x.p95)),
      connectMaxMs: med(c.map((x) => x.max)),
      framesPerSec: Math.round(median(runs.map((r) => r.frames / durationSec))),
      connected: Math.min(...runs.map((r) => r.connected)),
    },
  };
}

/** Resident memory of the workerd processes, MB (the Workers runtime holding every socket). */
function workerdRssMb(): number {
  let pids: string[] = [];
  try {
    pids = execFileSync("pgrep", ["-x", "workerd"], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    return 0;
  }
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return Math.round(kb / 1024);
}

export const websocketScenario: Scenario = {
  name: "websocket",
  description: "Simulator -> bridge -> edge -> S sockets: updates delivered/s and end-to-end latency, against a bare Node ws fan-out at the same rate.",
  async run(ctx) {
    const sockets = Number(process.env.PERF_WS_SOCKETS ?? (ctx.quick ? 100 : 1000));
    const rate = Number(process.env.PERF_WS_RATE ?? (ctx.quick ? 1000 : 10000));
    // The bridge batches (and conflates per symbol) every `windowMs`; the gateway then sends each
    // socket at most one frame per WS_BATCH_WINDOW_MS (10 ms). The baseline uses the same window.
    const windowMs = Number(process.env.PERF_WS_WINDOW_MS ?? 10);
    const singleSockets = Math.max(10, Math.round(sockets / 10));
    const warmupSec = 2;
    ctx.log(`  restarting the bridge at ${rate} updates/s, ${windowMs} ms batches`);
    await ctx.stack.stopBridge();
    await ctx.stack.startBridge({ SIM_UPDATES_PER_SEC: String(rate), BATCH_INTERVAL_MS: String(windowMs) });

    await ctx.stack.ensureDirect();
    const bare = await startBareWs(rate, windowMs);
    const edgeRuns: WsLoadResult[] = [];
    const bareRuns: WsLoadResult[] = [];
    const singleRuns: WsLoadResult[] = [];
    const rss: number[] = [];
    const rssIdle = workerdRssMb();
    try {
      for (let r = 0; r < ctx.repeats; r++) {
        const edge = await wsLoad({
          url: `${ctx.stack.directUrl.replace(/^http/, "ws")}/ws`,
          protocolsFor: (i) => [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${ctx.tokens[i % ctx.tokens.length]}`],
          channelsFor,
          sockets,
          warmupSec,
          durationSec: ctx.durationSec,
          sampleMemory: workerdRssMb,
        });
        edgeRuns.push(edge);
        rss.push(edge.peakRssMb ?? 0);
        ctx.log(`  edge run ${r + 1}: ${edge.connected}/${sockets} connected (p95 ${edge.connect.summary().p95} ms), ${edge.updatesPerSec.toFixed(0)} updates/s, p50 ${edge.latency.summary().p50} ms, p99 ${edge.latency.summary().p99} ms, workerd RSS ${edge.peakRssMb} MB`);
        const single = await wsLoad({
          url: `${ctx.stack.directUrl.replace(/^http/, "ws")}/ws?frames=single`,
          protocolsFor: (i) => [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${ctx.tokens[i % ctx.tokens.length]}`],
          channelsFor,
          sockets: singleSockets,
          warmupSec,
          durationSec: ctx.durationSec,
        });
        singleRuns.push(single);
        ctx.log(`  unbatched run ${r + 1}: ${single.connected}/${singleSockets} connected, ${single.updatesPerSec.toFixed(0)} updates/s, p50 ${single.latency.summary().p50} ms, p99 ${single.latency.summary().p99} ms`);
        const base = await wsLoad({ url: bare.url, protocolsFor: () => [], channelsFor, sockets, warmupSec, durationSec: ctx.durationSec });
        bareRuns.push(base);
        ctx.log(`  bare run ${r + 1}: ${base.updatesPerSec.toFixed(0)} updates/s, p50 ${base.latency.summary().p50} ms, p99 ${base.latency.summary().p99} ms`);
      }
    } finally {
      bare.stop();
      await ctx.stack.stopBridge();
      await ctx.stack.startBridge({});
    }
    // Ids carry the configuration, so runs of other sizes are never compared with each other.
    const gatewayWindowMs = Number(process.env.PERF_WS_GATEWAY_WINDOW_MS ?? 10);
    const config = `s${sockets}-r${rate}-w${windowMs}${gatewayWindowMs !== 10 ? `-g${gatewayWindowMs}` : ""}`;
    const edge = toMeasurement(`edge-ws-${config}`, `edge /ws (${sockets} sockets, ${rate} updates/s in)`, "target", sockets, ctx.durationSec, edgeRuns);
    const base = toMeasurement(`bare-ws-${config}`, `bare Node ws fan-out (${sockets} sockets, ${rate} updates/s)`, "baseline", sockets, ctx.durationSec, bareRuns);
    const single = toMeasurement(`edge-ws-single-s${singleSockets}-r${rate}-w${windowMs}${gatewayWindowMs !== 10 ? `-g${gatewayWindowMs}` : ""}`, `edge /ws unbatched, one frame per update (${singleSockets} sockets)`, "target", singleSockets, ctx.durationSec, singleRuns);
    edge.extra = { ...edge.extra, workerdRssIdleMb: rssIdle, workerdRssPeakMb: Math.round(median(rss)), perSocketUpdatesPerSec: Math.round(edge.throughput / sockets) };
    single.extra = { ...single.extra, perSocketUpdatesPerSec: Math.round(single.throughput / singleSockets) };
    ctx.log(`  goal: >= 100,000 updates/s delivered with p99 < 100 ms, ${sockets} sockets connected with p95 connect < 1 s; workerd RSS ${rssIdle} MB idle, ${Math.round(median(rss))} MB with the sockets`);
    return {
      measurements: [base, edge, single],
      ratios: ratiosOf(edge, base),
      notes: [
        `${sockets} sockets, each subscribed to 10 of ${SYMBOL_NAMES.length} tickers; the simulator emits ${rate} ticker updates/s in total; the bridge conflates per symbol per ${windowMs} ms batch, the gateway sends each socket at most one frame per ${gatewayWindowMs} ms, and the baseline conflates per ${windowMs} ms window.`,
        "Latency = arrival time - bridgeTime (same machine, same clock). Spec: WebSocket p95 < 100 ms, 10,000 msg/s, connect p95 < 1 s.",
        "The load generator is one Node process sharing the 2 cores with workerd, wrangler and the bridge.",
        `Unbatched comparison (same run): ${singleSockets} sockets with ?frames=single get one frame per update; per-socket delivery and latency are in its row (extra.perSocketUpdatesPerSec).`,
        "Memory: RSS of the workerd processes before the runs (idle) and the peak sampled while all sockets were connected.",
      ],
    };
  },
};
