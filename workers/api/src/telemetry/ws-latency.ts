/**
 * WebSocket message latency from a gateway shard into the Telemetry DO: the shard observes each
 * market-data batch's lag (bridge stamp to the shard handling it, the worst update of the batch)
 * into its own TelemetryRecorder and ships the batch like an isolate does (64 samples or 1 s,
 * off the critical path via `waitUntil`; a failed ship is merged into the next). The DO keeps the
 * cumulative histogram, exposed as `websocket_message_latency_ms{message_type}`.
 *
 * @example
 * const latency = new ShardLatency({ ship: (b) => env.TELEMETRY.getByName("main").ingest(b), waitUntil: (p) => ctx.waitUntil(p) });
 * latency.observe("md", lagMs, Date.now());
 */
import { TelemetryRecorder, type TelemetryBatch } from "./recorder";

export interface ShardLatencyOptions {
  readonly ship: (batch: TelemetryBatch) => Promise<unknown>;
  readonly waitUntil: (p: Promise<unknown>) => void;
  /** TELEMETRY_ENABLED="false" turns recording off. */
  readonly enabled?: boolean;
}

export class ShardLatency {
  readonly #recorder = new TelemetryRecorder();
  readonly #opts: ShardLatencyOptions;

  constructor(options: ShardLatencyOptions) {
    this.#opts = options;
  }

  observe(messageType: string, ms: number, now: number): void {
    if (this.#opts.enabled === false) return;
    this.#recorder.recordWsLatency(messageType, ms, now);
    if (!this.#recorder.shouldFlush(now)) return;
    const batch = this.#recorder.drain(now);
    if (!batch) return;
    this.#opts.waitUntil(
      this.#opts.ship(batch).catch(() => {
        this.#recorder.restore(batch);
      }),
    );
  }
}
