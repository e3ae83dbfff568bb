/**
 * Turns repeated load runs into schema `Measurement`s. Targets and baselines are interleaved
 * (A B A B …) so drift on a shared machine hits both alike; each figure is the median over
 * repeats, and every repeat is kept so the spread is visible.
 */
import type { Measurement } from "../result-schema";
import { median } from "./histogram";
import { httpLoad, type HttpLoadOptions, type HttpLoadResult } from "./http-load";

export interface HttpSubject {
  id: string;
  label: string;
  role: "target" | "baseline";
  load: Omit<HttpLoadOptions, "connections" | "durationSec">;
}

function toMeasurement(subject: HttpSubject, concurrency: number, durationSec: number, runs: HttpLoadResult[]): Measurement {
  const summaries = runs.map((r) => r.latency.summary());
  const byThroughput = [...runs].sort((a, b) => a.throughput - b.throughput);
  const middle = byThroughput[Math.floor(byThroughput.length / 2)]!;
  const serverRuns = runs.filter((r) => r.server.count() > 0).map((r) => r.server.summary());
  const med = (f: (s: (typeof summaries)[number]) => number, list = summaries) => Math.round(median(list.map(f)) * 1000) / 1000;
  return {
    id: `${subject.id}-c${concurrency}`,
    label: `${subject.label} (c=${concurrency})`,
    role: subject.role,
    concurrency,
    durationSec,
    latencyMs: { p50: med((s) => s.p50), p95: med((s) => s.p95), p99: med((s) => s.p99), max: med((s) => s.max), mean: med((s) => s.mean) },
    throughput: Math.round(median(runs.map((r) => r.throughput)) * 10) / 10,
    unit: "req/s",
    total: runs.reduce((n, r) => n + r.total, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    ...(serverRuns.length
      ? { serverLatencyMs: { p50: med((s) => s.p50, serverRuns), p95: med((s) => s.p95, serverRuns), p99: med((s) => s.p99, serverRuns), max: med((s) => s.max, serverRuns), mean: med((s) => s.mean, serverRuns) } }
      : {}),
    timeline: middle.timeline,
    repeats: runs.map((r, i) => ({ p50: summaries[i]!.p50, p99: summaries[i]!.p99, throughput: Math.round(r.throughput * 10) / 10 })),
    extra: { statuses: JSON.stringify(Object.assign({}, ...runs.map((r) => r.statuses))) },
  };
}

/** Runs every subject at every concurrency, `repeats` times, interleaved. */
export async function measureHttp(
  subjects: HttpSubject[],
  opts: {
    concurrencies: number[];
    durationSec: number;
    repeats: number;
    log: (msg: string) => void;
    /** Called after a run that mostly failed: returns the server's new origin if it moved. */
    recover?: () => Promise<{ from: string; to: string } | undefined>;
  },
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const concurrency of opts.concurrencies) {
    const runs = new Map<string, HttpLoadResult[]>(subjects.map((s) => [s.id, []]));
    for (let r = 0; r < opts.repeats; r++) {
      for (const subject of subjects) {
        let result = await httpLoad({ ...subject.load, connections: concurrency, durationSec: opts.durationSec });
        for (let retry = 0; retry < 2 && opts.recover && (result.total === 0 || result.errors > result.total / 2); retry++) {
          const moved = await opts.recover();
          if (!moved) break;
          opts.log(`  ! ${subject.id}: the runtime moved from ${moved.from} to ${moved.to} (wrangler reload); repeating this run`);
          for (const s of subjects) s.load = { ...s.load, url: s.load.url.replace(moved.from, moved.to) };
          result = await httpLoad({ ...subject.load, connections: concurrency, durationSec: opts.durationSec });
        }
        runs.get(subject.id)!.push(result);
        const s = result.latency.summary();
        opts.log(`  ${subject.id} c=${concurrency} run ${r + 1}/${opts.repeats}: p50 ${s.p50} ms, p99 ${s.p99} ms, ${result.throughput.toFixed(0)} req/s, errors ${result.errors}`);
      }
    }
    for (const subject of subjects) out.push(toMeasurement(subject, concurrency, opts.durationSec, runs.get(subject.id)!));
  }
  return out;
}
