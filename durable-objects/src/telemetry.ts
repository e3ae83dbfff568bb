/**
 * Telemetry: one instance ("main") aggregates the request and trade histograms every isolate
 * ships in batches (TelemetryRecorder -> ctx.waitUntil -> ingest), the gateway shards'
 * WebSocket latency histograms and the dashboard's web vitals (POST /api/rum). It keeps
 *  - cumulative series per label set (for /metrics; persisted, so counters stay monotonic
 *    across evictions),
 *  - 1-minute rollups per endpoint category for 24 h and 1-hour rollups for 30 days (for
 *    /api/performance/history), aggregated, never raw samples,
 * and limits /metrics scrapes. Also answers the health check's Durable Object round trip.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/api/src/env";
import { categoryOf, type EndpointCategory } from "../../workers/api/src/telemetry/categories";
import { BOUNDS_MS, emptyHistogram, type Histogram, mergeInto } from "../../workers/api/src/telemetry/histogram";
import type { SeriesBatch, SeriesName, TelemetryBatch } from "../../workers/api/src/telemetry/recorder";
import { migrate, type Migration } from "./sql-migrations";

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE cumulative (
            key TEXT PRIMARY KEY, name TEXT NOT NULL, labels TEXT NOT NULL,
            count INTEGER NOT NULL, errors INTEGER NOT NULL, sum_ms REAL NOT NULL, buckets TEXT NOT NULL
          );
          CREATE TABLE rollup (
            res TEXT NOT NULL, t INTEGER NOT NULL, series TEXT NOT NULL,
            count INTEGER NOT NULL, errors INTEGER NOT NULL, sum_ms REAL NOT NULL, buckets TEXT NOT NULL,
            PRIMARY KEY (res, t, series)
          )`,
  },
];

export type Resolution = "1m" | "1h";
export const RESOLUTION_MS: Record<Resolution, number> = { "1m": 60_000, "1h": 3_600_000 };
/** How long each resolution is kept. */
export const RETENTION_MS: Record<Resolution, number> = { "1m": 24 * 3_600_000, "1h": 30 * 24 * 3_600_000 };
/** /metrics scrapes allowed per minute (all scrapers together). */
export const SCRAPES_PER_MINUTE = 30;
const MAX_SERIES_PER_BATCH = 2000;

export interface StoredSeries {
  name: SeriesName;
  labels: Record<string, string>;
  hist: Histogram;
  errors: number;
}

export interface RollupRow {
  /** Bucket start, epoch ms. */
  t: number;
  /** "http:<category>", "trade", "ws:<message type>" or "rum:<metric>". */
  series: string;
  hist: Histogram;
  errors: number;
}

export type ScrapeAdmission = { allowed: true; series: StoredSeries[] } | { allowed: false; retryAfterSec: number };

function validHistogram(h: unknown): h is Histogram {
  if (typeof h !== "object" || h === null) return false;
  const x = h as Histogram;
  return (
    Number.isInteger(x.count) && x.count >= 0 && Number.isFinite(x.sumMs) && x.sumMs >= 0 &&
    Array.isArray(x.buckets) && x.buckets.length === BOUNDS_MS.length + 1 &&
    x.buckets.every((n) => Number.isInteger(n) && n >= 0) && x.buckets.reduce((a, b) => a + b, 0) === x.count
  );
}

function validSeries(s: SeriesBatch): boolean {
  return (
    (s.name === "http" || s.name === "trade" || s.name === "ws" || s.name === "rum") && typeof s.labels === "object" && s.labels !== null &&
    Object.values(s.labels).every((v) => typeof v === "string" && v.length <= 128) &&
    Number.isInteger(s.errors) && s.errors >= 0 && validHistogram(s.hist) && s.errors <= s.hist.count
  );
}

export function rollupSeriesOf(s: Pick<SeriesBatch, "name" | "labels">): string {
  if (s.name === "trade") return "trade";
  if (s.name === "ws") return `ws:${s.labels.message_type ?? ""}`;
  if (s.name === "rum") return `rum:${s.labels.metric ?? ""}`;
  const category: EndpointCategory = categoryOf(s.labels.method ?? "", s.labels.endpoint ?? "");
  return `http:${category}`;
}

export class Telemetry extends DurableObject<Env> {
  private scrapeWindow = { minute: 0, count: 0 };
  private lastPrune = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, MIGRATIONS);
    });
  }

  ping(): { ok: true; at: number } {
    return { ok: true, at: Date.now() };
  }

  /** Adds one isolate's batch. Malformed series are dropped (counted in the answer). */
  ingest(batch: TelemetryBatch): { accepted: number; rejected: number } {
    const at = Number.isFinite(batch?.at) ? batch.at : Date.now();
    const series = Array.isArray(batch?.series) ? batch.series.slice(0, MAX_SERIES_PER_BATCH) : [];
    let accepted = 0;
    let rejected = 0;
    this.ctx.storage.transactionSync(() => {
      for (const s of series) {
        if (!validSeries(s)) {
          rejected++;
          continue;
        }
        accepted++;
        const key = `${s.name}|${JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b)))}`;
        this.addTo("cumulative", key, s.hist, s.errors, () => [s.name, JSON.stringify(s.labels)]);
        const rs = rollupSeriesOf(s);
        for (const res of ["1m", "1h"] as const) {
          const t = Math.floor(at / RESOLUTION_MS[res]) * RESOLUTION_MS[res];
          this.addRollup(res, t, rs, s.hist, s.errors);
        }
      }
    });
    if (at - this.lastPrune >= 60_000) {
      this.lastPrune = at;
      for (const res of ["1m", "1h"] as const) this.ctx.storage.sql.exec("DELETE FROM rollup WHERE res = ? AND t < ?", res, at - RETENTION_MS[res]);
    }
    return { accepted, rejected };
  }

  /** Every cumulative series, unless scrapes this minute are over the limit. */
  scrape(now = Date.now()): ScrapeAdmission {
    const minute = Math.floor(now / 60_000);
    if (this.scrapeWindow.minute !== minute) this.scrapeWindow = { minute, count: 0 };
    if (this.scrapeWindow.count >= SCRAPES_PER_MINUTE) return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000)) };
    this.scrapeWindow.count++;
    return { allowed: true, series: this.cumulative() };
  }

  cumulative(): StoredSeries[] {
    return this.ctx.storage.sql
      .exec<{ name: string; labels: string; count: number; errors: number; sum_ms: number; buckets: string }>("SELECT name, labels, count, errors, sum_ms, buckets FROM cumulative")
      .toArray()
      .map((r) => ({ name: r.name as SeriesName, labels: JSON.parse(r.labels) as Record<string, string>, errors: r.errors, hist: { count: r.count, sumMs: r.sum_ms, buckets: JSON.parse(r.buckets) as number[] } }));
  }

  /** Rollup rows of one resolution with t >= from, oldest first. */
  rollups(res: Resolution, from: number): RollupRow[] {
    return this.ctx.storage.sql
      .exec<{ t: number; series: string; count: number; errors: number; sum_ms: number; buckets: string }>(
        "SELECT t, series, count, errors, sum_ms, buckets FROM rollup WHERE res = ? AND t >= ? ORDER BY t",
        res,
        from,
      )
      .toArray()
      .map((r) => ({ t: r.t, series: r.series, errors: r.errors, hist: { count: r.count, sumMs: r.sum_ms, buckets: JSON.parse(r.buckets) as number[] } }));
  }

  private addTo(table: "cumulative", key: string, hist: Histogram, errors: number, fresh: () => [string, string]): void {
    const sql = this.ctx.storage.sql;
    const row = sql.exec<{ count: number; errors: number; sum_ms: number; buckets: string }>(`SELECT count, errors, sum_ms, buckets FROM ${table} WHERE key = ?`, key).toArray()[0];
    const merged = emptyHistogram();
    if (row) mergeInto(merged, { count: row.count, sumMs: row.sum_ms, buckets: JSON.parse(row.buckets) as number[] });
    mergeInto(merged, hist);
    const [name, labels] = fresh();
    sql.exec(
      `INSERT OR REPLACE INTO ${table} (key, name, labels, count, errors, sum_ms, buckets) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      key, name, labels, merged.count, (row?.errors ?? 0) + errors, merged.sumMs, JSON.stringify(merged.buckets),
    );
  }

  private addRollup(res: Resolution, t: number, series: string, hist: Histogram, errors: number): void {
    const sql = this.ctx.storage.sql;
    const row = sql.exec<{ count: number; errors: number; sum_ms: number; buckets: string }>("SELECT count, errors, sum_ms, buckets FROM rollup WHERE res = ? AND t = ? AND series = ?", res, t, series).toArray()[0];
    const merged = emptyHistogram();
    if (row) mergeInto(merged, { count: row.count, sumMs: row.sum_ms, buckets: JSON.parse(row.buckets) as number[] });
    mergeInto(merged, hist);
    sql.exec(
      "INSERT OR REPLACE INTO rollup (res, t, series, count, errors, sum_ms, buckets) VALUES (?, ?, ?, ?, ?, ?, ?)",
      res, t, series, merged.count, (row?.errors ?? 0) + errors, merged.sumMs, JSON.stringify(merged.buckets),
    );
  }
}
