/**
 * CPU profiles of the edge (the Worker and its Durable Objects: one workerd thread locally)
 * through wrangler's DevTools proxy, and a summary a person can read: self and inclusive time
 * per function, as shares of the sampled time.
 *
 * The proxy wants an `Origin` it trusts (wrangler checks it against DNS rebinding), so the
 * Node `ws` client sends `http://localhost`. V8 samples wall time on the runtime thread: on a
 * busy machine a sample can land on code that was merely preempted, so read the shares, not the
 * absolute milliseconds, and compare profiles taken on the same machine state.
 */
import WebSocket from "ws";

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileRow {
  fn: string;
  /** Microseconds. */
  selfUs: number;
  inclusiveUs: number;
}

export interface ProfileSummary {
  sampledUs: number;
  idleUs: number;
  rows: ProfileRow[];
}

function label(frame: CallFrame): string {
  const file = frame.url ? frame.url.split("/").at(-1) : "";
  return `${frame.functionName || "(anonymous)"}${file ? ` ${file}:${frame.lineNumber + 1}` : ""}`;
}

/** Self and inclusive time per function (recursion counted once per stack). */
export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfByNode = new Map<number, number>();
  profile.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0)));

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let sampledUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfByNode) {
    sampledUs += us;
    const node = byId.get(id);
    if (!node) continue;
    const own = label(node.callFrame);
    if (node.callFrame.functionName === "(idle)") idleUs += us;
    self.set(own, (self.get(own) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const name = label(n.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const rows = [...inclusive.keys()].map((fn) => ({ fn, selfUs: self.get(fn) ?? 0, inclusiveUs: inclusive.get(fn) ?? 0 }));
  return { sampledUs, idleUs, rows };
}

/** Markdown tables: the top functions by self time and by inclusive time, as shares of busy time. */
export function profileMarkdown(summary: ProfileSummary, top = 30, thread = "the workerd thread"): string {
  const busy = Math.max(1, summary.sampledUs - summary.idleUs);
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  const skip = (fn: string) => fn.startsWith("(root)") || fn.startsWith("(idle)");
  const table = (rows: ProfileRow[], key: "selfUs" | "inclusiveUs") =>
    ["| function | self | inclusive |", "| --- | --: | --: |", ...rows.filter((r) => !skip(r.fn)).sort((a, b) => b[key] - a[key]).slice(0, top).map((r) => `| \`${r.fn}\` | ${pct(r.selfUs)} | ${pct(r.inclusiveUs)} |`)].join("\n");
  return [
    `Sampled ${(summary.sampledUs / 1e6).toFixed(1)} s of ${thread}, busy ${((100 * busy) / Math.max(1, summary.sampledUs)).toFixed(0)}%. Shares are of busy time. \`(program)\` is native work V8 cannot attribute (HTTP, RPC, I/O in the runtime).`,
    "",
    "### By self time",
    "",
    table(summary.rows, "selfUs"),
    "",
    "### By inclusive time",
    "",
    table(summary.rows, "inclusiveUs"),
    "",
  ].join("\n");
}

/** Connects to wrangler's DevTools proxy for the Worker named `worker`. */
export async function connectInspector(port: number, worker: string): Promise<{ call: (method: string, params?: object) => Promise<unknown>; close: () => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/${worker}`, { headers: { origin: "http://localhost" } });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  });
  ws.on("close", () => {
    for (const p of pending.values()) p.reject(new Error("the inspector connection closed"));
    pending.clear();
  });
  return {
    call: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** Profiles the Worker's thread while `during` runs. */
export async function profileWhile<T>(port: number, worker: string, during: () => Promise<T>, samplingIntervalUs = 200): Promise<{ profile: CpuProfile; result: T }> {
  const inspector = await connectInspector(port, worker);
  try {
    await inspector.call("Profiler.enable");
    await inspector.call("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
    await inspector.call("Profiler.start");
    const result = await during();
    const { profile } = (await inspector.call("Profiler.stop")) as { profile: CpuProfile };
    return { profile, result };
  } finally {
    inspector.close();
  }
}
