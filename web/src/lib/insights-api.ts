/**
 * Endpoints being built by other engineers right now: analysis (`/api/ai/*`), the bot's switches
 * and decision log, performance figures (`/api/performance/*`) and the exchange key store. Each
 * answer is checked by hand (shapes may still move) and a 404 becomes "not available yet".
 *
 * Paths assumed (issues 8, 10 and the key store of decision 20):
 *   POST /api/ai/analyze {symbol, interval}          GET/PUT /api/bot/settings
 *   GET  /api/bot/decisions                          GET /api/performance/stats, /history
 *   PUT  /api/exchange/keys {venue, apiKey, apiSecret}  (write-only: never read back)
 */
import type { BotSymbolPatch, BotSymbolSettings } from "@bot-core/core";
import type { ApiClient } from "./api";
import { optional, type Optional } from "./trading-api";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined);

export interface Analysis {
  symbol: string;
  signal: string;
  confidence: number | null;
  entry?: string;
  stopLoss?: string;
  takeProfit?: string;
  riskReward?: string;
  reasons: string[];
  timings: Array<{ stage: string; ms: number }>;
  modelVersion?: string;
}

/**
 * Reads an analysis answer: the bridge's `{ signal: Signal, cached }` (packages/analysis
 * signal.ts: label, confidence, entry, stopLoss, takeProfit, riskReward, reasons with source /
 * name / says / detail, model.version, timingsMs), or a flat body.
 */
export function parseAnalysis(body: unknown, symbol: string): Analysis | null {
  if (!isObj(body)) return null;
  const s = isObj(body.signal) ? body.signal : body;
  const signal = str(s.label) ?? str(s.signal) ?? str(s.action) ?? str(s.recommendation);
  if (!signal) return null;
  const reasons = Array.isArray(s.reasons)
    ? s.reasons.flatMap((r) => {
        if (typeof r === "string") return [r];
        if (isObj(r)) {
          const who = [str(r.source), str(r.name)].filter(Boolean).join(" ");
          const what = [str(r.detail) ?? str(r.message), str(r.says) ? `(${str(r.says)})` : undefined].filter(Boolean).join(" ");
          return [[who, what].filter(Boolean).join(": ")];
        }
        return [];
      })
    : [];
  const rawTimings = isObj(s.timings) ? s.timings : isObj(s.timingsMs) ? s.timingsMs : {};
  const timings = Object.entries(rawTimings).flatMap(([stage, ms]) => (num(ms) === undefined ? [] : [{ stage, ms: num(ms) as number }]));
  const a: Analysis = { symbol: str(s.symbol) ?? symbol, signal, confidence: num(s.confidence) ?? null, reasons, timings };
  const opt = { entry: str(s.entry) ?? str(s.entryPrice), stopLoss: str(s.stopLoss), takeProfit: str(s.takeProfit), riskReward: str(s.riskReward), modelVersion: str(s.modelVersion) ?? (isObj(s.model) ? str(s.model.version) : undefined) };
  for (const [k, v] of Object.entries(opt)) if (v !== undefined) (a as unknown as Obj)[k] = v;
  return a;
}

export interface LatencyRow {
  category: string;
  p50: number;
  p95: number;
  p99: number;
  throughput?: number;
  errorRate?: number;
}

/** Reads `/api/performance/stats`: categories as an object or an array, each with p50/p95/p99. */
export function parseStats(body: unknown): LatencyRow[] {
  if (!isObj(body)) return [];
  const source = isObj(body.categories) ? body.categories : isObj(body.endpoints) ? body.endpoints : Array.isArray(body.categories) ? body.categories : body;
  const entries: Array<[string, unknown]> = Array.isArray(source)
    ? source.map((v, i) => [isObj(v) ? (str(v.category) ?? str(v.name) ?? String(i)) : String(i), v])
    : Object.entries(source);
  return entries.flatMap(([category, v]) => {
    if (!isObj(v)) return [];
    const lat = isObj(v.latencyMs) ? v.latencyMs : isObj(v.latency) ? v.latency : v;
    const p50 = num(lat.p50);
    const p95 = num(lat.p95);
    const p99 = num(lat.p99);
    if (p50 === undefined || p95 === undefined || p99 === undefined) return [];
    const row: LatencyRow = { category, p50, p95, p99 };
    const t = num(v.throughput) ?? num(v.requestsPerSec) ?? num(v.rps);
    const e = num(v.errorRate);
    if (t !== undefined) row.throughput = t;
    if (e !== undefined) row.errorRate = e;
    return [row];
  });
}

export interface HistoryPoint {
  time: number;
  p50: number;
  p95: number;
  p99: number;
  throughput?: number;
}

export function parsePerfHistory(body: unknown): HistoryPoint[] {
  const list = isObj(body) ? (Array.isArray(body.buckets) ? body.buckets : Array.isArray(body.points) ? body.points : Array.isArray(body.history) ? body.history : []) : Array.isArray(body) ? body : [];
  return list.flatMap((b: unknown) => {
    if (!isObj(b)) return [];
    const time = num(b.time) ?? num(b.t) ?? (typeof b.start === "string" ? Date.parse(b.start) : num(b.start));
    const lat = isObj(b.latencyMs) ? b.latencyMs : b;
    const p50 = num(lat.p50);
    const p95 = num(lat.p95);
    const p99 = num(lat.p99);
    if (time === undefined || p50 === undefined || p95 === undefined || p99 === undefined) return [];
    const point: HistoryPoint = { time, p50, p95, p99 };
    const t = num(b.throughput) ?? num(b.requestsPerSec);
    if (t !== undefined) point.throughput = t;
    return [point];
  });
}

export interface BotDecision {
  time: string;
  symbol: string;
  action: string;
  reason: string;
}

export function parseDecisions(body: unknown): BotDecision[] {
  const list = isObj(body) ? (Array.isArray(body.decisions) ? body.decisions : []) : Array.isArray(body) ? body : [];
  return list.flatMap((d: unknown) =>
    isObj(d)
      ? [{ time: str(d.time) ?? str(d.createdAt) ?? "", symbol: str(d.symbol) ?? "", action: str(d.action) ?? str(d.decision) ?? (d.taken === true ? "taken" : d.taken === false ? "skipped" : ""), reason: str(d.reason) ?? str(d.message) ?? "" }]
      : [],
  );
}

/** Per-symbol auto-trading switches. */
export type BotSwitches = Record<string, boolean>;

export function parseSwitches(body: unknown): BotSwitches {
  const src = isObj(body) ? (isObj(body.autoTrading) ? body.autoTrading : isObj(body.symbols) ? body.symbols : body) : {};
  return Object.fromEntries(Object.entries(src).filter(([, v]) => typeof v === "boolean")) as BotSwitches;
}

/** Per-symbol bot settings (`symbols` of GET/PUT /api/bot/settings); malformed entries are left out. */
export function parseBotSymbols(body: unknown): Record<string, BotSymbolSettings> {
  const src = isObj(body) && isObj(body.symbols) ? body.symbols : {};
  const out: Record<string, BotSymbolSettings> = {};
  for (const [symbol, v] of Object.entries(src)) {
    if (!isObj(v) || typeof v.enabled !== "boolean" || num(v.minConfidence) === undefined) continue;
    out[symbol] = { enabled: v.enabled, minConfidence: num(v.minConfidence) as number, quoteAmount: typeof v.quoteAmount === "string" ? v.quoteAmount : null };
  }
  return out;
}

export function insightEndpoints(api: ApiClient) {
  const auth = { auth: true } as const;
  return {
    analyze: (symbol: string, interval = "1m"): Promise<Optional<unknown>> => optional(() => api.post<unknown>("/api/ai/analyze", { symbol, interval }, auth)),
    botSettings: (): Promise<Optional<unknown>> => optional(() => api.get<unknown>("/api/bot/settings", auth)),
    setBotSwitch: (symbol: string, enabled: boolean): Promise<Optional<unknown>> =>
      optional(() => api.put<unknown>("/api/bot/settings", { autoTrading: { [symbol]: enabled } }, auth)),
    setBotSymbol: (symbol: string, patch: BotSymbolPatch): Promise<Optional<unknown>> =>
      optional(() => api.put<unknown>("/api/bot/settings", { symbols: { [symbol]: patch } }, auth)),
    decisions: (): Promise<Optional<unknown>> => optional(() => api.get<unknown>("/api/bot/decisions", auth)),
    perfStats: (): Promise<Optional<unknown>> => optional(() => api.get<unknown>("/api/performance/stats", auth)),
    perfHistory: (): Promise<Optional<unknown>> => optional(() => api.get<unknown>("/api/performance/history", auth)),
    /** Write-only: the secret goes to the server and is never read back. */
    saveExchangeKeys: (input: { venue: "binance-spot" | "binance-usdm"; apiKey: string; apiSecret: string; testnet: boolean }): Promise<Optional<unknown>> =>
      optional(() => api.put<unknown>("/api/exchange/keys", input, auth)),
  };
}
export type InsightEndpoints = ReturnType<typeof insightEndpoints>;
