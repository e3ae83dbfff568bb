/**
 * Telemetry: will hold the rolling latency histograms behind /metrics and /api/performance/*.
 * For now it answers the health check's Durable Object round trip.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/api/src/env";

export class Telemetry extends DurableObject<Env> {
  ping(): { ok: true; at: number } {
    return { ok: true, at: Date.now() };
  }
}
