/**
 * Analysis settings from the environment (validated like the rest of the bridge's config):
 *
 * - ANALYSIS_WORKERS       worker threads, 1-16 (default: min(4, available CPUs))
 * - ANALYSIS_MODEL_PATH    the .onnx file (default: the committed models/signal-mlp-v1.onnx);
 *                          "none" runs without a model
 * - ANALYSIS_QUEUE         queue capacity, 1-10000 (default 100)
 * - SIGNAL_INTERVALS       comma-separated kline intervals whose close publishes a signal on
 *                          `signals:<SYMBOL>` (default 1m; "none" publishes none)
 * - LLM_API_URL, LLM_API_KEY, LLM_MODEL, LLM_TIMEOUT_MS  the optional explainer (off unless both
 *                          URL and key are set; see explain.ts)
 *
 * @example
 * const analysis = analysisConfigFromEnv(process.env);
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { KLINE_INTERVALS, type KlineInterval } from "@bot-core/core";
import { ConfigError } from "../config";
import { explainerFromEnv, type Explainer } from "./explain";
import { defaultModelPath } from "./model";

export interface AnalysisConfig {
  readonly workers: number;
  readonly modelPath: string | null;
  readonly queueCapacity: number;
  readonly explainer: Explainer | null;
  /** Intervals whose kline close publishes a signal (absent: ["1m"]; empty: none). */
  readonly signalIntervals?: readonly KlineInterval[];
}

function intervals(raw: string | undefined, problems: string[]): KlineInterval[] {
  const text = raw?.trim();
  if (!text) return ["1m"];
  if (text.toLowerCase() === "none") return [];
  const list = [...new Set(text.split(",").map((s) => s.trim()))];
  const bad = list.filter((s) => !(KLINE_INTERVALS as readonly string[]).includes(s));
  if (bad.length) problems.push(`SIGNAL_INTERVALS: unknown interval(s) ${bad.join(", ")} (allowed: ${KLINE_INTERVALS.join(", ")} or none)`);
  return list.filter((s): s is KlineInterval => (KLINE_INTERVALS as readonly string[]).includes(s));
}

function int(env: Readonly<Record<string, string | undefined>>, name: string, min: number, max: number, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= min && n <= max)) problems.push(`${name}: must be a whole number between ${min} and ${max}`);
  return n;
}

export function analysisConfigFromEnv(env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): AnalysisConfig {
  const problems: string[] = [];
  const workers = int(env, "ANALYSIS_WORKERS", 1, 16, Math.min(4, availableParallelism()), problems);
  const queueCapacity = int(env, "ANALYSIS_QUEUE", 1, 10_000, 100, problems);
  const rawModel = env.ANALYSIS_MODEL_PATH?.trim();
  const modelPath = !rawModel ? defaultModelPath() : rawModel.toLowerCase() === "none" ? null : path.resolve(cwd, rawModel);
  if (modelPath && !modelPath.endsWith(".onnx")) problems.push("ANALYSIS_MODEL_PATH: must name an .onnx file (or be none)");
  const signalIntervals = intervals(env.SIGNAL_INTERVALS, problems);
  if (problems.length) throw new ConfigError(problems);
  return { workers, modelPath, queueCapacity, explainer: explainerFromEnv(env), signalIntervals };
}
