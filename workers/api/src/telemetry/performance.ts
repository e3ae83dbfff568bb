/**
 * /api/performance/stats and /history from the Telemetry DO's rollups: per endpoint category
 * p50/p95/p99, throughput and error rate against the spec's targets; history as 1-minute buckets
 * (24 h) or 1-hour buckets (30 days), aggregated over categories.
 */
import { CATEGORIES, CATEGORY_TARGET_P95_MS, type EndpointCategory, TRADE_TARGET_P95_MS } from "./categories";
import { emptyHistogram, type Histogram, mergeInto, percentiles, type Percentiles, quantile } from "./histogram";

/** The spec's WebSocket target (NFR-PERFORMANCE-002): p95 under 100 ms. */
export const WS_TARGET_P95_MS = 100;
/** p75 targets: LCP is the spec's 3 s; INP and CLS are Core Web Vitals' "good" limits. */
export const WEB_VITAL_TARGET_P75 = { lcp: 3000, inp: 200, cls: 0.1 } as const;

export interface WsLatencyFigures {
  messageType: string;
  samples: number;
  latencyMs: Percentiles;
  targetP95Ms: number;
  withinTarget: boolean;
}

export interface WebVitalFigures {
  metric: keyof typeof WEB_VITAL_TARGET_P75;
  samples: number;
  /** ms for lcp and inp; unitless for cls. */
  p75: number;
  targetP75: number;
  withinTarget: boolean;
}

export interface RollupInput {
  t: number;
  series: string;
  hist: Histogram;
  errors: number;
}

export interface Figures {
  requests: number;
  throughputRps: number;
  errorRate: number;
  latencyMs: Percentiles;
}

export interface CategoryFigures extends Figures {
  category: EndpointCategory;
  targetP95Ms: number;
  withinTarget: boolean;
}

export interface PerformanceStats {
  generatedAt: string;
  windowSec: number;
  totals: Figures;
  endpoints: CategoryFigures[];
  trades: Figures & { targetP95Ms: number; withinTarget: boolean };
  websocket: { connectionsActive: number; messagesSent: Record<string, number>; lagMs: number; slowConsumersClosed: number } | null;
  /** websocket_message_latency_ms over the window, per message type (gateway shards). */
  websocketLatency: WsLatencyFigures[];
  /** The dashboard's web vitals over the window (POST /api/rum). */
  webVitals: WebVitalFigures[];
}

export interface HistoryBucket extends Figures {
  /** Bucket start, ISO time. */
  t: string;
  trades: number;
}

function figures(hist: Histogram, errors: number, seconds: number): Figures {
  return {
    requests: hist.count,
    throughputRps: Math.round((hist.count / Math.max(1, seconds)) * 1000) / 1000,
    errorRate: hist.count ? Math.round((errors / hist.count) * 10000) / 10000 : 0,
    latencyMs: percentiles(hist),
  };
}

export function computeStats(rows: RollupInput[], windowSec: number, now: number, websocket: PerformanceStats["websocket"]): PerformanceStats {
  const per = new Map<string, { hist: Histogram; errors: number }>();
  const all = { hist: emptyHistogram(), errors: 0 };
  for (const r of rows) {
    let acc = per.get(r.series);
    if (!acc) per.set(r.series, (acc = { hist: emptyHistogram(), errors: 0 }));
    mergeInto(acc.hist, r.hist);
    acc.errors += r.errors;
    if (r.series.startsWith("http:")) {
      mergeInto(all.hist, r.hist);
      all.errors += r.errors;
    }
  }
  const endpoints = CATEGORIES.map((category): CategoryFigures => {
    const acc = per.get(`http:${category}`) ?? { hist: emptyHistogram(), errors: 0 };
    const f = figures(acc.hist, acc.errors, windowSec);
    const targetP95Ms = CATEGORY_TARGET_P95_MS[category];
    return { category, ...f, targetP95Ms, withinTarget: f.latencyMs.p95 <= targetP95Ms };
  }).filter((e) => e.requests > 0);
  const websocketLatency = [...per.entries()]
    .filter(([series]) => series.startsWith("ws:"))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([series, acc]): WsLatencyFigures => {
      const latencyMs = percentiles(acc.hist);
      return { messageType: series.slice(3), samples: acc.hist.count, latencyMs, targetP95Ms: WS_TARGET_P95_MS, withinTarget: latencyMs.p95 <= WS_TARGET_P95_MS };
    });
  const webVitals = (Object.keys(WEB_VITAL_TARGET_P75) as (keyof typeof WEB_VITAL_TARGET_P75)[]).flatMap((metric): WebVitalFigures[] => {
    const acc = per.get(`rum:${metric}`);
    if (!acc || acc.hist.count === 0) return [];
    const scale = metric === "cls" ? 1 / 1000 : 1;
    const p75 = Math.round(quantile(acc.hist, 0.75) * scale * 1000) / 1000;
    return [{ metric, samples: acc.hist.count, p75, targetP75: WEB_VITAL_TARGET_P75[metric], withinTarget: p75 <= WEB_VITAL_TARGET_P75[metric] }];
  });
  const t = per.get("trade") ?? { hist: emptyHistogram(), errors: 0 };
  const tf = figures(t.hist, t.errors, windowSec);
  return {
    generatedAt: new Date(now).toISOString(),
    windowSec,
    totals: figures(all.hist, all.errors, windowSec),
    endpoints,
    trades: { ...tf, targetP95Ms: TRADE_TARGET_P95_MS, withinTarget: tf.latencyMs.p95 <= TRADE_TARGET_P95_MS },
    websocket,
    websocketLatency,
    webVitals,
  };
}

/** One bucket per period that has data, oldest first; `category` narrows to one category. */
export function computeHistory(rows: RollupInput[], periodSec: number, category?: EndpointCategory): HistoryBucket[] {
  const byT = new Map<number, { hist: Histogram; errors: number; trades: number }>();
  for (const r of rows) {
    let b = byT.get(r.t);
    if (!b) byT.set(r.t, (b = { hist: emptyHistogram(), errors: 0, trades: 0 }));
    if (r.series === "trade") b.trades += r.hist.count;
    else if (category === undefined ? r.series.startsWith("http:") : r.series === `http:${category}`) {
      mergeInto(b.hist, r.hist);
      b.errors += r.errors;
    }
  }
  return [...byT.entries()].sort(([a], [b]) => a - b).map(([t, b]) => ({ t: new Date(t).toISOString(), ...figures(b.hist, b.errors, periodSec), trades: b.trades }));
}
