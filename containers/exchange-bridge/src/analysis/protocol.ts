/** Messages between the pool (main thread) and an analysis worker. */
import type { Signal } from "@bot-core/analysis";
import type { KlineInterval } from "@bot-core/core";
import type { StageBudgets } from "./pipeline";

export interface WorkerInit {
  /** Null: no model (the signal rests on the indicators). */
  readonly modelPath: string | null;
}

export interface TaskMessage {
  readonly type: "task";
  readonly id: number;
  readonly symbol: string;
  readonly interval: KlineInterval;
  readonly candles: Float64Array;
  readonly budgets: StageBudgets;
}

export type WorkerMessage =
  | { readonly type: "ready"; readonly modelVersion: string | null }
  | { readonly type: "fatal"; readonly message: string }
  | { readonly type: "result"; readonly id: number; readonly signal: Signal }
  | { readonly type: "error"; readonly id: number; readonly code: "stage_timeout" | "bad_input" | "failed"; readonly message: string; readonly stage?: string };
