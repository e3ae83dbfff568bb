/**
 * Degradation events as structured JSON logs (telemetry/log.ts):
 *
 * - `ComponentWatch`: the components `/api/health` probes (d1, kv, durableObject, bridge); a change
 *   of status logs once per isolate: `component_down` (warn, with the probe's error) and
 *   `component_up` (info, with how long it was down as this isolate saw it). Starting "down" logs
 *   too; starting "up" does not.
 * - `degraded(feature, cause, ...)`: a feature that keeps working without a dependency (the AI
 *   cache without KV, analysis without the bridge) logs `feature_degraded` (warn), at most once a
 *   minute per feature and cause in an isolate (the line counts the ones left out).
 * No secrets, emails or tokens in the fields; errors are reduced to their message.
 *
 * @example
 * componentWatch.observe(report.components, c.get("requestId"));
 * degraded("ai_cache", "kv_read_failed", err, { requestId });
 */
import type { ComponentHealth } from "@bot-core/core";
import { logJson } from "./log";

type Status = ComponentHealth["status"];

export class ComponentWatch {
  readonly #last = new Map<string, { status: Status; since: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Logs every component whose status differs from the last one seen; returns the changes. */
  observe(components: Readonly<Record<string, ComponentHealth>>, requestId?: string): { component: string; from: Status | null; to: Status }[] {
    const changes: { component: string; from: Status | null; to: Status }[] = [];
    const at = this.now();
    for (const [component, health] of Object.entries(components)) {
      const seen = this.#last.get(component);
      if (seen?.status === health.status) continue;
      this.#last.set(component, { status: health.status, since: at });
      if (!seen && health.status === "up") continue;
      changes.push({ component, from: seen?.status ?? null, to: health.status });
      if (health.status === "up") {
        logJson("info", `${component} is up again`, { event: "component_up", component, from: seen?.status ?? null, downForMs: seen ? at - seen.since : null, latencyMs: health.latencyMs, ...(requestId ? { requestId } : {}) });
      } else {
        logJson("warn", `${component} is ${health.status}`, { event: "component_down", component, from: seen?.status ?? null, to: health.status, error: health.error ?? null, latencyMs: health.latencyMs, ...(requestId ? { requestId } : {}) });
      }
    }
    return changes;
  }

  /** Forgets what was seen (tests). */
  reset(): void {
    this.#last.clear();
  }
}

/** The isolate's watch over `/api/health`'s probes. */
export const componentWatch = new ComponentWatch();

/** One `feature_degraded` line per (feature, cause) per this many ms and isolate; the rest are counted. */
export const DEGRADED_LOG_INTERVAL_MS = 60_000;
const lastDegraded = new Map<string, { at: number; suppressed: number }>();

export function degraded(feature: string, cause: string, err: unknown, fields: Record<string, unknown> = {}, now = Date.now()): void {
  const key = `${feature}\u0000${cause}`;
  const last = lastDegraded.get(key);
  if (last && now - last.at < DEGRADED_LOG_INTERVAL_MS) {
    last.suppressed++;
    return;
  }
  lastDegraded.set(key, { at: now, suppressed: 0 });
  const error = err instanceof Error ? err.message : err === undefined ? null : String(err);
  logJson("warn", `${feature} degraded: ${cause}`, { event: "feature_degraded", feature, cause, error, suppressedSinceLast: last?.suppressed ?? 0, ...fields });
}

/** Forgets when each degradation was last logged (tests). */
export function resetDegradedThrottle(): void {
  lastDegraded.clear();
}
