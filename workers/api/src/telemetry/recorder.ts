/**
 * The in-isolate side of telemetry: every request's (method, route pattern, status, duration)
 * and every order placement's (symbol, side, status, duration) is added to a small map of
 * histograms keyed by labels — no I/O, no allocation beyond the first sample of a series.
 * `drain()` hands the accumulated batch to the caller, who ships it to the Telemetry DO off the
 * request's critical path (ctx.waitUntil). A rolling 5-minute window of this isolate's own
 * requests answers /health without any I/O.
 */
import { emptyHistogram, type Histogram, mergeInto, observe, percentiles, type Percentiles } from "./histogram";

export type SeriesName = "http" | "trade" | "ws" | "rum";

/** The web vitals the dashboard reports (POST /api/rum); CLS is unitless and stored x1000. */
export const WEB_VITALS = ["lcp", "inp", "cls"] as const;
export type WebVital = (typeof WEB_VITALS)[number];

/** The labels that make a series' identity, in a fixed order. */
const KEY_LABELS: Record<SeriesName, readonly string[]> = {
  http: ["method", "endpoint", "status"],
  trade: ["symbol", "side", "type", "status"],
  ws: ["message_type"],
  rum: ["metric", "page"],
};

function keyOf(name: SeriesName, labels: Record<string, string>): string {
  return [name, ...KEY_LABELS[name].map((k) => labels[k] ?? "")].join("\u0000");
}

export interface SeriesBatch {
  name: SeriesName;
  /** http: method, endpoint (route pattern), status. trade: symbol, side, type, status. ws: message_type. rum: metric, page (route pattern). */
  labels: Record<string, string>;
  hist: Histogram;
  /** Samples that count as errors (http: status >= 500; trade: status "error"). */
  errors: number;
}

export interface TelemetryBatch {
  /** Epoch ms the batch was drained. */
  at: number;
  series: SeriesBatch[];
}

/** Flush once this many samples wait, or when the oldest waiting sample is this old. */
export const FLUSH_SAMPLES = 64;
export const FLUSH_AFTER_MS = 1000;
const WINDOW_MINUTES = 5;

export interface IsolateIndicators {
  windowSec: number;
  requests: number;
  errorRate: number;
  latencyMs: Percentiles;
}

export class TelemetryRecorder {
  private pending = new Map<string, SeriesBatch>();
  private pendingSamples = 0;
  private oldestPendingAt = 0;
  /** Per-minute histograms of this isolate's requests, for /health. */
  private readonly window: { minute: number; hist: Histogram; errors: number }[] = [];

  recordRequest(method: string, endpoint: string, status: number, ms: number, now: number): void {
    const labels = { method, endpoint, status: String(status) };
    this.add("http", keyOf("http", labels), labels, ms, status >= 500, now);
    const minute = Math.floor(now / 60_000);
    let slot = this.window[this.window.length - 1];
    if (!slot || slot.minute !== minute) {
      slot = { minute, hist: emptyHistogram(), errors: 0 };
      this.window.push(slot);
      while (this.window.length > WINDOW_MINUTES) this.window.shift();
    }
    observe(slot.hist, ms);
    if (status >= 500) slot.errors++;
  }

  recordTrade(symbol: string, side: string, type: string, status: string, ms: number, now: number): void {
    const labels = { symbol, side, type, status };
    this.add("trade", keyOf("trade", labels), labels, ms, status === "error", now);
  }

  /** A WebSocket message's latency (gateway: bridge stamp to the shard handling it), by message type. */
  recordWsLatency(messageType: string, ms: number, now: number): void {
    const labels = { message_type: messageType };
    this.add("ws", keyOf("ws", labels), labels, ms, false, now);
  }

  /** One web-vital reading from a dashboard page (route pattern); CLS is passed x1000. */
  recordWebVital(metric: WebVital, page: string, value: number, now: number): void {
    const labels = { metric, page };
    this.add("rum", keyOf("rum", labels), labels, value, false, now);
  }

  /** True when the waiting samples should be shipped now. */
  shouldFlush(now: number): boolean {
    return this.pendingSamples >= FLUSH_SAMPLES || (this.pendingSamples > 0 && now - this.oldestPendingAt >= FLUSH_AFTER_MS);
  }

  /** Takes everything recorded since the last drain (null when nothing waits). */
  drain(now: number): TelemetryBatch | null {
    if (this.pendingSamples === 0) return null;
    const batch = { at: now, series: [...this.pending.values()] };
    this.pending = new Map();
    this.pendingSamples = 0;
    return batch;
  }

  /** Puts a batch that could not be delivered back, so the next flush carries it. */
  restore(batch: TelemetryBatch): void {
    if (this.pendingSamples === 0) this.oldestPendingAt = batch.at;
    for (const s of batch.series) {
      const key = keyOf(s.name, s.labels);
      const cur = this.pending.get(key);
      if (cur) {
        mergeInto(cur.hist, s.hist);
        cur.errors += s.errors;
      } else this.pending.set(key, s);
      this.pendingSamples += s.hist.count;
    }
  }

  /** This isolate's last five minutes (no I/O). */
  indicators(now: number): IsolateIndicators {
    const minute = Math.floor(now / 60_000);
    const hist = emptyHistogram();
    let errors = 0;
    for (const s of this.window) {
      if (minute - s.minute >= WINDOW_MINUTES) continue;
      mergeInto(hist, s.hist);
      errors += s.errors;
    }
    return { windowSec: WINDOW_MINUTES * 60, requests: hist.count, errorRate: hist.count ? errors / hist.count : 0, latencyMs: percentiles(hist) };
  }

  private add(name: SeriesName, key: string, labels: Record<string, string>, ms: number, error: boolean, now: number): void {
    let s = this.pending.get(key);
    if (!s) {
      s = { name, labels, hist: emptyHistogram(), errors: 0 };
      this.pending.set(key, s);
    }
    observe(s.hist, ms);
    if (error) s.errors++;
    if (this.pendingSamples === 0) this.oldestPendingAt = now;
    this.pendingSamples++;
  }
}

/** The isolate's recorder (module state lives as long as the isolate). */
export const recorder = new TelemetryRecorder();
