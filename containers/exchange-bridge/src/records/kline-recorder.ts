/**
 * Writes closed candles from the market source into `market_data`, batched: closed candles are
 * buffered and upserted once per `flushIntervalMs` (and on stop). Open candles are not stored.
 * A failed write is logged and retried with the next flush; the buffer is bounded (oldest
 * dropped and counted), so a store outage cannot grow memory without limit.
 *
 * @example
 * const recorder = new KlineRecorder({ store, log });
 * const unsubscribe = source.onUpdate((u) => recorder.push(u));
 * recorder.start(); ... await recorder.stop();
 */
import type { MarketUpdate } from "@bot-core/core";
import type { Logger } from "../log";
import type { KlineRecord, RecordStore } from "./record-store";

export interface KlineRecorderOptions {
  readonly store: Pick<RecordStore, "upsertKlines">;
  readonly log: Logger;
  readonly flushIntervalMs?: number;
  readonly maxBuffered?: number;
}

export class KlineRecorder {
  private buffer: KlineRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;
  private written = 0;
  private readonly flushIntervalMs: number;
  private readonly maxBuffered: number;

  constructor(private readonly options: KlineRecorderOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxBuffered = options.maxBuffered ?? 50_000;
  }

  push(update: MarketUpdate): void {
    if (update.kind !== "kline" || !update.closed) return;
    const { symbol, interval, openTime, closeTime, open, high, low, close, volume } = update;
    this.buffer.push({ symbol, interval, openTime, closeTime, open, high, low, close, volume });
    if (this.buffer.length > this.maxBuffered) {
      const excess = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes what is buffered; one flush at a time. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffer.length === 0) return Promise.resolve();
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.options.store
      .upsertKlines(batch)
      .then(
        (n) => {
          this.written += n;
        },
        (err: unknown) => {
          this.options.log.warn("could not store closed candles; retrying with the next flush", { err, candles: batch.length });
          this.buffer = batch.concat(this.buffer);
        },
      )
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  state(): { buffered: number; written: number; dropped: number } {
    return { buffered: this.buffer.length, written: this.written, dropped: this.dropped };
  }
}
