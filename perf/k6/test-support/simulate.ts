/**
 * Runs a k6 script in Node the way k6 would, on a small scale: setup() once (VU 0), then for each
 * scenario a few VUs — each with its own fresh module instances, as k6 gives every VU — run its
 * exec function for a few iterations at several points of the scenario's timeline, against the
 * fake edge. Sockets a VU opened are served after its iteration (k6's event loop), timers fired.
 *
 * What comes out is what k6 would have measured: the metric series (metric + tags) the run
 * emitted, so a test can tell whether every threshold would get data.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { vi } from "vitest";
import { clearRecordings, resetStub, stubState, type MetricType, type RecordedMetric, type StubState } from "./k6-stubs.ts";
import { FakeEdge, type FakeEdgeOptions } from "./fake-edge.ts";
import { parseDuration, parseMetricKey } from "../validate-options.ts";

export const K6_DIR = join(import.meta.dirname, "..");

/** Files in perf/k6 that are not scripts. */
const NOT_SCRIPTS = new Set(["validate-options.ts"]);

/** Every k6 script: perf/k6/*.ts except tests, declarations and the validator. */
export function discoverScripts(dir: string = K6_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts") && !NOT_SCRIPTS.has(f))
    .sort();
}

export type ScriptModule = Record<string, unknown> & { options?: Record<string, unknown> };

/** Imports a script as a fresh module graph (new VU): init context runs again, metrics register again. */
export async function importFresh(file: string): Promise<ScriptModule> {
  vi.resetModules();
  return (await import(/* @vite-ignore */ join(K6_DIR, file))) as ScriptModule;
}

export interface LoadedScript {
  module: ScriptModule;
  /** Custom metrics the script's init context created. */
  metrics: RecordedMetric[];
  exportedFunctions: string[];
}

/** Loads a script with `env` as __ENV (and `files` for open()) and returns what its init context registered. */
export async function loadScript(file: string, env: Record<string, string> = {}, files: Record<string, string> = {}): Promise<LoadedScript> {
  resetStub(env);
  Object.assign(stubState().files, files);
  const module = await importFresh(file);
  return {
    module,
    metrics: [...stubState().metrics],
    exportedFunctions: Object.keys(module).filter((k) => typeof module[k] === "function"),
  };
}

/** name -> type; throws when one name was created with two types (k6 refuses that too). */
export function metricTypes(metrics: readonly RecordedMetric[]): Record<string, MetricType> {
  const out: Record<string, MetricType> = {};
  for (const m of metrics) {
    if (out[m.name] && out[m.name] !== m.type) throw new Error(`metric ${m.name} created as ${out[m.name]} and as ${m.type}`);
    out[m.name] = m.type;
  }
  return out;
}

export interface Series {
  metric: string;
  tags: Record<string, string>;
}

export interface SimulationOptions {
  env?: Record<string, string>;
  /** The fake edge's behaviour; tokens live 30 s unless `tokenTtlS` says otherwise. */
  edge?: FakeEdgeOptions;
  /** VUs per scenario. */
  vus?: number;
  /** Iterations per VU at each timeline point (default 12). */
  iterations?: number;
  /** Points of each scenario's timeline to run at, as fractions of its length. */
  timeline?: number[];
  /** Seed of Math.random during the run. */
  seed?: number;
}

export interface SimulationResult {
  loaded: LoadedScript;
  edge: FakeEdge;
  setupData: unknown;
  state: StubState;
  series: Series[];
  /** Errors thrown by iterations (k6 would log them and count the iteration as done). */
  iterationErrors: string[];
  /** What the script printed with console.log. */
  logs: string[];
}

type Scenario = Record<string, unknown> & { executor: string };

/** How long a scenario runs, in ms (for the timeline points). */
export function scenarioLengthMs(s: Scenario): number {
  const d = (v: unknown) => parseDuration(v) ?? 0;
  if (Array.isArray(s.stages)) return (s.stages as Array<{ duration: unknown }>).reduce((t, st) => t + d(st.duration), 0);
  if (s.duration !== undefined) return d(s.duration);
  return d(s.maxDuration ?? "10m");
}

/** Replaces Math.random with a seeded generator (mulberry32) until the returned function is called. */
export function seedRandom(seed: number): () => void {
  const original = Math.random;
  let a = seed >>> 0;
  Math.random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    Math.random = original;
  };
}

/** Runs the script (see the module comment); Math.random is seeded, so a run is reproducible. */
export async function simulate(file: string, options: SimulationOptions = {}): Promise<SimulationResult> {
  const restore = seedRandom(options.seed ?? 1);
  const logs: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(" ")));
  try {
    return { ...(await run(file, options)), logs };
  } finally {
    log.mockRestore();
    restore();
  }
}

async function run(file: string, options: SimulationOptions): Promise<Omit<SimulationResult, "logs">> {
  const env = { USERS: "2", THINK_MIN: "0", THINK_MAX: "0", ...options.env };
  const loaded = await loadScript(file, env);
  // Access tokens that live 30 s are always inside the VUs' 60 s renewal margin, so the renewal
  // path (refresh, or sign-in for VUs sharing an account) runs in every simulation.
  const edge = new FakeEdge({ tokenTtlS: 30, ...options.edge });
  const state = stubState();
  state.responder = edge.responder;
  clearRecordings();

  const setup = loaded.module.setup;
  const setupData: unknown = typeof setup === "function" ? JSON.parse(JSON.stringify(setup() ?? null)) : undefined;

  const iterationErrors: string[] = [];
  // VU ids are unique across scenarios, as in k6.
  let nextVu = 1;
  const scenarios = (loaded.module.options?.scenarios ?? { default: { executor: "per-vu-iterations" } }) as Record<string, Scenario>;
  for (const [name, scenario] of Object.entries(scenarios)) {
    const exec = typeof scenario.exec === "string" ? scenario.exec : "default";
    const length = scenarioLengthMs(scenario);
    for (let n = 0; n < (options.vus ?? 3); n++) {
      const vu = nextVu++;
      const fresh = await importFresh(file); // a new VU: its own module state
      const fn = fresh[exec];
      if (typeof fn !== "function") throw new Error(`${file}: scenario ${name} runs "${exec}", which is not exported`);
      const g = globalThis as unknown as { __VU: number; __ITER: number };
      g.__VU = vu;
      g.__ITER = 0;
      state.vuTags = { scenario: name };
      Object.assign(state.scenario, { name, executor: scenario.executor });
      for (const point of options.timeline ?? [0, 0.5, 0.97]) {
        state.scenario.startTime = Date.now() - Math.round(length * point);
        for (let i = 0; i < (options.iterations ?? 12); i++) {
          const socketsBefore = state.sockets.length;
          try {
            fn(setupData);
          } catch (err) {
            iterationErrors.push(`${name} VU ${vu} iteration ${g.__ITER}: ${(err as Error).message}`);
          }
          for (const ws of state.sockets.slice(socketsBefore)) edge.serveSocket(ws);
          g.__ITER += 1;
        }
      }
    }
  }
  return { loaded, edge, setupData, state, series: seriesOf(state), iterationErrors };
}

const HTTP_METRICS = [
  "http_reqs",
  "http_req_duration",
  "http_req_blocked",
  "http_req_connecting",
  "http_req_tls_handshaking",
  "http_req_sending",
  "http_req_waiting",
  "http_req_receiving",
];

/** The metric series a k6 run with these recordings would have produced. */
export function seriesOf(state: StubState): Series[] {
  const out: Series[] = [];
  for (const r of state.requests) {
    const tags = { ...r.tags, method: r.method, status: String(r.status ?? 0), expected_response: String(!r.failed) };
    for (const metric of HTTP_METRICS) out.push({ metric, tags });
    out.push({ metric: "http_req_failed", tags });
  }
  for (const ws of state.sockets) {
    for (const metric of ["ws_sessions", "ws_connecting", "ws_session_duration"]) out.push({ metric, tags: ws.tags });
    if (ws.sent.length > 0) out.push({ metric: "ws_msgs_sent", tags: ws.tags });
    if (ws.received > 0) out.push({ metric: "ws_msgs_received", tags: ws.tags });
  }
  for (const c of state.checks) out.push({ metric: "checks", tags: { ...c.tags, check: c.name } });
  for (const g of state.groups) out.push({ metric: "group_duration", tags: { group: `::${g}` } });
  for (const s of state.samples) out.push({ metric: s.metric, tags: s.tags });
  return out;
}

/** Metrics the k6 runtime emits by itself (never from script code). */
export const RUNTIME_METRICS = new Set(["iterations", "iteration_duration", "vus", "vus_max", "data_sent", "data_received", "dropped_iterations"]);

/** Threshold keys no emitted series matches: thresholds that would pass on no data at all. */
export function thresholdsWithoutData(thresholds: Record<string, unknown>, series: readonly Series[]): string[] {
  return Object.keys(thresholds).filter((key) => {
    const parsed = parseMetricKey(key);
    if (typeof parsed === "string") return true;
    if (RUNTIME_METRICS.has(parsed.metric)) return false;
    return !series.some((s) => s.metric === parsed.metric && Object.entries(parsed.tags).every(([k, v]) => s.tags[k] === v));
  });
}
