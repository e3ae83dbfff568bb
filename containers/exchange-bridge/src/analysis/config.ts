/**
 * Analysis settings from the environment (validated like the rest of the bridge's config):
 *
 * - ANALYSIS_WORKERS       worker threads, 1-16 (default: min(4, available CPUs))
 * - ANALYSIS_MODEL_PATH    the .onnx file (default: the committed models/signal-mlp-v1.onnx);
 *                          "none" runs without a model
 * - ANALYSIS_QUEUE         queue capacity, 1-10000 (default 100)
 * - LLM_API_URL, LLM_API_KEY, LLM_MODEL, LLM_TIMEOUT_MS  the optional explainer (off unless both
 *                          URL and key are set; see explain.ts)
 *
 * @example
 * const analysis = analysisConfigFromEnv(process.env);
 */
import { availableParallelism } from "node:os";
import path from "node:path";
import { ConfigError } from "../config";
import { explainerFromEnv, type Explainer } from "./explain";
import { defaultModelPath } from "./model";

export interface AnalysisConfig {
  readonly workers: number;
  readonly modelPath: string | null;
  readonly queueCapacity: number;
  readonly explainer: Explainer | null;
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
  if (problems.length) throw new ConfigError(problems);
  return { workers, modelPath, queueCapacity, explainer: explainerFromEnv(env) };
}
