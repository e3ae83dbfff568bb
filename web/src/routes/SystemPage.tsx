/** System: p50/p95/p99 latency and throughput from /api/performance/* (or "not available yet"). */
import { createResource, For, onCleanup, onMount, Show, type JSX } from "solid-js";
import { NotAvailable } from "../components/NotAvailable";
import { Skeleton } from "../components/Skeleton";
import { insightEndpoints, parsePerfHistory, parseStats, type HistoryPoint, type LatencyRow } from "../lib/insights-api";
import { useSession } from "../lib/session";

export function LatencyBars(props: { rows: readonly LatencyRow[] }): JSX.Element {
  const max = () => Math.max(1, ...props.rows.map((r) => r.p99));
  return (
    <div class="table-wrap">
      <table class="table perf">
        <caption class="sr-only">Latency per endpoint category, milliseconds</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col" class="num">p50</th>
            <th scope="col" class="num">p95</th>
            <th scope="col" class="num">p99</th>
            <th scope="col" class="num">req/s</th>
            <th scope="col" aria-hidden="true" class="bar-col" />
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(r) => (
              <tr>
                <th scope="row">{r.category}</th>
                <td class="num">{r.p50.toFixed(1)}</td>
                <td class="num">{r.p95.toFixed(1)}</td>
                <td class="num">{r.p99.toFixed(1)}</td>
                <td class="num">{r.throughput?.toFixed(0) ?? "—"}</td>
                <td aria-hidden="true" class="bar-col">
                  <svg viewBox="0 0 100 12" preserveAspectRatio="none" class="bars">
                    <rect class="b99" x="0" y="0" height="12" width={(r.p99 / max()) * 100} />
                    <rect class="b95" x="0" y="0" height="12" width={(r.p95 / max()) * 100} />
                    <rect class="b50" x="0" y="0" height="12" width={(r.p50 / max()) * 100} />
                  </svg>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

export function LatencyChart(props: { points: readonly HistoryPoint[] }): JSX.Element {
  const W = 600;
  const H = 160;
  const path = (key: "p50" | "p95" | "p99") => {
    const pts = props.points;
    const max = Math.max(1, ...pts.map((p) => p.p99));
    const step = pts.length > 1 ? W / (pts.length - 1) : W;
    return pts.map((p, i) => `${i ? "L" : "M"}${(i * step).toFixed(1)},${(H - (p[key] / max) * H).toFixed(1)}`).join(" ");
  };
  return (
    <Show when={props.points.length >= 2} fallback={<p class="muted">Not enough history yet.</p>}>
      <svg class="latency-chart" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Latency over ${props.points.length} buckets: p50, p95 and p99`}>
        <path class="l99" d={path("p99")} />
        <path class="l95" d={path("p95")} />
        <path class="l50" d={path("p50")} />
      </svg>
      <p class="legend small">
        <span class="k50">p50</span> <span class="k95">p95</span> <span class="k99">p99</span>
      </p>
    </Show>
  );
}

export default function SystemPage(): JSX.Element {
  const api = insightEndpoints(useSession().api);
  const [stats, { refetch }] = createResource(() => api.perfStats());
  const [history] = createResource(() => api.perfHistory());
  onMount(() => (document.title = "System · Bot Core"));
  const timer = setInterval(() => void refetch(), 10_000);
  onCleanup(() => clearInterval(timer));

  return (
    <div class="page">
      <h1>System performance</h1>
      <section class="card pad" aria-labelledby="stats-h">
        <h2 id="stats-h">Latency and throughput now</h2>
        <Show when={stats()} fallback={<Show when={stats.error} fallback={<Skeleton lines={4} label="Loading performance figures…" />}><p class="alert" role="alert">Could not load the figures.</p></Show>}>
          {(r) => (
            <Show when={r().available ? (r() as { value: unknown }) : null} fallback={<NotAvailable what="Performance figures" endpoint="GET /api/performance/stats" status={(r() as { status?: number }).status} />}>
              {(ok) => (
                <Show when={parseStats(ok().value).length > 0} fallback={<p class="muted">No figures yet.</p>}>
                  <LatencyBars rows={parseStats(ok().value)} />
                </Show>
              )}
            </Show>
          )}
        </Show>
      </section>
      <section class="card pad" aria-labelledby="hist-h">
        <h2 id="hist-h">History</h2>
        <Show when={history()} fallback={<Skeleton lines={3} label="Loading the history…" />}>
          {(r) => (
            <Show when={r().available ? (r() as { value: unknown }) : null} fallback={<NotAvailable what="Performance history" endpoint="GET /api/performance/history" status={(r() as { status?: number }).status} />}>
              {(ok) => <LatencyChart points={parsePerfHistory(ok().value)} />}
            </Show>
          )}
        </Show>
      </section>
    </div>
  );
}
