/** The order route's hook: one trade sample (symbol, side, type, outcome, duration). */
import type { Env } from "../env";
import { recorder } from "./recorder";

export function recordTrade(env: Env, order: { symbol: string; side: string; type: string }, status: string, ms: number): void {
  if (String(env.TELEMETRY_ENABLED) === "false") return;
  recorder.recordTrade(order.symbol, order.side, order.type, status, ms, Date.now());
}
