/**
 * `npm run perf:profile -- [subject …] [--duration S]` — where the edge's CPU goes under load.
 *
 * Starts the local stack (as `npm run perf` does, plus wrangler's DevTools proxy), drives one
 * subject at a time at 10 connections on workerd's own socket, and for each writes:
 * - CPU per request of the edge (workerd) and the bridge from /proc, next to /health's in the
 *   same run (steadier than throughput on a shared machine: waiting for a core costs no CPU);
 * - a V8 CPU profile of the workerd thread (Worker + Durable Objects) summarized by function.
 * Results: perf/results/profiles/<subject>.md; raw profiles in perf/results/tmp/ (open them in
 * Chrome DevTools). Subjects: health, settings (one Durable Object read: the round-trip floor),
 * account, order (market order: quote from the SymbolHub, one UserAccount transaction), websocket
 * (the websocket scenario's fan-out: 1,000 sockets x 10 of 20 tickers, 10,000 updates/s in).
 */
import { WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from "@bot-core/core";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../../scripts/stack.mjs";
import { profileMarkdown, profileWhile, summarizeProfile, type CpuProfile } from "../harness/cpu-profile";
import { httpLoad, type HttpLoadOptions, type HttpLoadResult } from "../harness/http-load";
import { machineInfo } from "../harness/machine";
import { marketOrderLoad, signedInGetLoad } from "../harness/market-orders";
import { cpuDelta, processes, type ProcStat } from "../harness/process-cpu";
import { startPerfStack, type PerfStack } from "../harness/stack";
import { wsLoad } from "../harness/ws-load";
import { channelsFor } from "../scenarios/websocket";
import { freePort, LIFTED_RATE_LIMITS, registerUsers } from "../harness/users";

const WORKER_NAME = "core:user:bot-core-edge";
const SUBJECTS = ["health", "settings", "account", "order", "websocket"] as const;
type HttpSubject = Exclude<Subject, "websocket">;
type Subject = (typeof SUBJECTS)[number];

function subjectLoad(subject: HttpSubject, base: string, tokens: string[]): Omit<HttpLoadOptions, "connections" | "durationSec"> {
  switch (subject) {
    case "health":
      return { url: `${base}/health` };
    case "settings":
      return signedInGetLoad(`${base}/api/trading/settings`, tokens);
    case "account":
      return signedInGetLoad(`${base}/api/trading/account`, tokens);
    case "order":
      return marketOrderLoad(base, tokens);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--duration");
  const durationSec = at >= 0 ? Number(argv[at + 1]) : 10;
  if (!Number.isFinite(durationSec) || durationSec < 2 || durationSec > 120) throw new Error("--duration must be 2..120 seconds");
  const named = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--duration");
  for (const s of named) if (!(SUBJECTS as readonly string[]).includes(s)) throw new Error(`unknown subject ${s}; one of ${SUBJECTS.join(", ")}`);
  const subjects = (named.length ? named : ["order"]) as Subject[];
  if (!subjects.includes("health")) subjects.unshift("health");

  const inspectorPort = await freePort();
  const outDir = join(ROOT, "perf", "results", "profiles");
  const rawDir = join(ROOT, "perf", "results", "tmp");
  // The bridge profiles itself for the whole run (V8 writes it when the process exits).
  const bridgeProfileDir = join(rawDir, `bridge-${Date.now()}`);
  const stack = await startPerfStack({
    edgePort: await freePort(),
    bridgePort: await freePort(),
    inspectorPort,
    edgeVars: { ...LIFTED_RATE_LIMITS },
    bridgeEnv: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${bridgeProfileDir}` },
  });
  mkdirSync(outDir, { recursive: true });
  mkdirSync(rawDir, { recursive: true });
  try {
    await stack.ensureDirect();
    const tokens = await registerUsers(stack.edgeUrl, 20);
    const groups = stack.processGroups();
    const byGroup = { edge: (p: ProcStat) => p.pgid === groups.edge, bridge: (p: ProcStat) => p.pgid === groups.bridge };
    const cpuPerRequest: Record<string, { edgeUs: number; bridgeUs: number; throughput: number }> = {};
    for (const subject of subjects) {
      if (subject === "websocket") {
        await profileFanOut(stack, tokens, durationSec, inspectorPort, byGroup, rawDir, outDir);
        continue;
      }
      const load = subjectLoad(subject, stack.directUrl, tokens);
      // A warm-up, then the CPU-accounted run, then the profiled run (the profiler costs CPU).
      await httpLoad({ ...load, connections: 10, durationSec: 2 });
      const before = processes();
      const run: HttpLoadResult = await httpLoad({ ...load, connections: 10, durationSec });
      const cpu = cpuDelta(before, processes(), byGroup);
      const ok = Math.max(1, run.total - run.errors);
      cpuPerRequest[subject] = { edgeUs: Math.round((cpu.edge! * 1000) / ok), bridgeUs: Math.round((cpu.bridge! * 1000) / ok), throughput: Math.round(run.throughput) };
      console.log(`${subject}: ${Math.round(run.throughput)} req/s, edge ${cpuPerRequest[subject].edgeUs} µs CPU/request, bridge ${cpuPerRequest[subject].bridgeUs} µs (errors ${run.errors})`);
      const { profile } = await profileWhile(inspectorPort, WORKER_NAME, () => httpLoad({ ...load, connections: 10, durationSec }));
      const health = cpuPerRequest.health!;
      const mine = cpuPerRequest[subject];
      writeProfileReport(rawDir, outDir, subject, profile, [
        `\`npm run perf:profile -- ${subject}\`, ${durationSec} s at 10 connections on workerd's own socket, state on ${stack.stateDir.startsWith("/dev/shm") ? "tmpfs" : "disk"}. Raw profile: perf/results/tmp/${subject}.cpuprofile.`,
        "",
        "| subject | req/s | edge CPU µs/request | bridge CPU µs/request | edge CPU vs /health |",
        "| --- | --: | --: | --: | --: |",
        `| /health (same run) | ${health.throughput} | ${health.edgeUs} | ${health.bridgeUs} | 1.00x |`,
        `| ${subject} | ${mine.throughput} | ${mine.edgeUs} | ${mine.bridgeUs} | ${(mine.edgeUs / Math.max(1, health.edgeUs)).toFixed(2)}x |`,
      ]);
    }
  } finally {
    await stack.stop();
  }
  const written = existsSync(bridgeProfileDir) ? readdirSync(bridgeProfileDir).filter((f) => f.endsWith(".cpuprofile")) : [];
  if (written.length) {
    // tsx runs the bridge in a child process: both write a profile; the bridge's is the largest.
    const largest = written.map((f) => join(bridgeProfileDir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const profile = JSON.parse(readFileSync(largest, "utf8")) as CpuProfile;
    writeFileSync(
      join(outDir, "bridge.md"),
      [
        `# CPU profile: the bridge during \`npm run perf:profile -- ${subjects.join(" ")}\``,
        "",
        `The whole run (every subject above, warm-ups included). Raw profile: perf/results/tmp/${bridgeProfileDir.split("/").at(-1)}/.`,
        "",
        profileMarkdown(summarizeProfile(profile), 30, "the bridge's main thread"),
      ].join("\n"),
    );
  } else console.log("the bridge wrote no CPU profile (it did not exit cleanly)");
}

/** Writes a subject's raw V8 profile (perf/results/tmp) and its markdown summary (perf/results/profiles). */
function writeProfileReport(rawDir: string, outDir: string, subject: string, profile: CpuProfile, intro: string[]): void {
  writeFileSync(join(rawDir, `${subject}.cpuprofile`), JSON.stringify(profile));
  writeFileSync(
    join(outDir, `${subject}.md`),
    [`# CPU profile: ${subject}`, "", ...intro, "", profileMarkdown(summarizeProfile(profile)), `Machine: ${JSON.stringify(machineInfo())}`, ""].join("\n"),
  );
}

/** The busiest processes between two snapshots `seconds` apart, as "comm[pid] 93%" (this process marked). */
function busiestProcesses(before: ProcStat[], after: ProcStat[], seconds: number): string {
  const was = new Map(before.map((p) => [p.pid, p.cpuMs]));
  return after
    .map((p) => ({ p, share: (p.cpuMs - (was.get(p.pid) ?? p.cpuMs)) / (seconds * 10) }))
    .filter((x) => x.share >= 1)
    .sort((a, b) => b.share - a.share)
    .slice(0, 8)
    .map(({ p, share }) => `${p.pid === process.pid ? "load-generator" : p.comm}[${p.pid}] ${Math.round(share)}%`)
    .join(", ");
}

/**
 * The websocket scenario's fan-out under the profiler: the bridge restarted at 10,000 updates/s
 * (10 ms batches), 1,000 sockets each on 10 of the 20 tickers. CPU is per 1,000 updates delivered.
 */
async function profileFanOut(
  stack: PerfStack,
  tokens: string[],
  durationSec: number,
  inspectorPort: number,
  byGroup: Parameters<typeof cpuDelta>[2],
  rawDir: string,
  outDir: string,
): Promise<void> {
  const WARMUP_SEC = 2;
  const STEADY_SAMPLE_SEC = 5;
  const sockets = Number(process.env.PERF_WS_SOCKETS ?? 1000);
  const rate = Number(process.env.PERF_WS_RATE ?? 10000);
  await stack.stopBridge();
  await stack.startBridge({ SIM_UPDATES_PER_SEC: String(rate), BATCH_INTERVAL_MS: "10" });
  await stack.ensureDirect();
  const load = () =>
    wsLoad({
      url: `${stack.directUrl.replace(/^http/, "ws")}/ws`,
      protocolsFor: (i) => [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${tokens[i % tokens.length]!}`],
      channelsFor,
      sockets,
      warmupSec: WARMUP_SEC,
      durationSec,
    });
  try {
    const before = processes();
    // Mid-run, 5 s of steady state: which processes have the cores (the load generator is this one).
    let steady: ProcStat[] = [];
    const sampled = new Promise<string>((resolve) => {
      // After the connects (allow 1 ms per socket) and the warm-up, 2 s into the measurement.
      const from = (WARMUP_SEC + 2) * 1000 + sockets;
      setTimeout(() => (steady = processes()), from);
      setTimeout(() => resolve(busiestProcesses(steady, processes(), STEADY_SAMPLE_SEC)), from + STEADY_SAMPLE_SEC * 1000);
    });
    const run = await load();
    const cpu = cpuDelta(before, processes(), byGroup);
    console.log(`steady-state CPU by process: ${await sampled}`);
    const perK = (ms: number) => Math.round((ms * 1000 * 1000) / Math.max(1, run.updates));
    const lat = run.latency.summary();
    const line = `websocket: ${run.connected}/${sockets} connected (p95 ${run.connect.summary().p95} ms), ${Math.round(run.updatesPerSec)} updates/s in ${Math.round(run.frames / durationSec)} frames/s, p50 ${lat.p50} ms, p99 ${lat.p99} ms; edge ${perK(cpu.edge!)} µs CPU per 1,000 updates, bridge ${perK(cpu.bridge!)} µs`;
    console.log(line);
    const { profile } = await profileWhile(inspectorPort, WORKER_NAME, load);
    writeProfileReport(rawDir, outDir, "websocket", profile, [
      `\`npm run perf:profile -- websocket\`: ${sockets} sockets x 10 of 20 tickers, ${rate} updates/s in, ${durationSec} s (CPU figures include the 2 s warm-up's share). Raw profile: perf/results/tmp/websocket.cpuprofile.`,
      "",
      line,
    ]);
  } finally {
    await stack.stopBridge();
    await stack.startBridge({});
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
