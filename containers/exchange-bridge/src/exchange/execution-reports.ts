/**
 * Order updates and fills of live orders, sent to the edge's `POST /bridge/executions` (bearer
 * BRIDGE_TOKEN), which hands them to the user's account. At-least-once: every report is written to
 * the bridge's SQLite outbox (report-outbox.ts) before anything is sent and deleted only once the
 * edge answered 2xx; a batch is retried with back-off until then, and after a restart the queued
 * reports go out first, in order. The account applies each fill once by its venue trade id, so a
 * resend is harmless.
 *
 * @example
 * const reporter = new ExecutionReporter({ edgeUrl: config.edgeUrl, token: config.bridgeToken, outbox, log });
 * reporter.push(reportOfEvent("user-1", "binance-spot", event));
 */
import type { Logger } from "../log";
import type { ExchangeOrder, OrderUpdateEvent } from "./port";
import type { ReportOutbox } from "./report-outbox";

/** What the edge's account needs to apply an update: the order (by its client id) and any fill. */
export interface ExecutionReport {
  readonly userId: string;
  readonly venue: string;
  /** The account's order id (the client order id at the venue). */
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly symbol: string;
  readonly status: ExchangeOrder["status"];
  readonly executedQty: string;
  /** "NEW", "TRADE", "CANCELED", … ("PLACEMENT" for the answer to a placement). */
  readonly executionType: string;
  readonly eventTime: number;
  readonly fill?: { readonly tradeId: string; readonly price: string; readonly quantity: string; readonly commission: string; readonly commissionAsset: string | null };
}

export function reportOfOrder(userId: string, venue: string, order: ExchangeOrder, executionType = "PLACEMENT"): ExecutionReport {
  return { userId, venue, clientOrderId: order.clientOrderId, venueOrderId: order.orderId, symbol: order.symbol, status: order.status, executedQty: order.executedQty, executionType, eventTime: order.updateTime };
}

export function reportOfEvent(userId: string, venue: string, event: OrderUpdateEvent): ExecutionReport {
  return { ...reportOfOrder(userId, venue, event.order, event.executionType), eventTime: event.eventTime, ...(event.fill ? { fill: event.fill } : {}) };
}

export interface ExecutionReporterOptions {
  readonly edgeUrl: string;
  readonly token: string;
  /** Where reports wait until the edge acknowledges them. */
  readonly outbox: ReportOutbox;
  readonly log: Logger;
  readonly fetch?: typeof fetch;
  /** Longest wait between attempts (default 30 s). */
  readonly maxBackoffMs?: number;
}

const MAX_BATCH = 100;

export class ExecutionReporter {
  readonly #o: ExecutionReporterOptions;
  readonly #url: string;
  #sending: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #backoffMs = 0;
  #closed = false;
  /** Reports the edge acknowledged (tests, health). */
  delivered = 0;

  constructor(options: ExecutionReporterOptions) {
    this.#o = options;
    const base = new URL(options.edgeUrl);
    base.protocol = base.protocol === "wss:" ? "https:" : base.protocol === "ws:" ? "http:" : base.protocol;
    this.#url = new URL("/bridge/executions", base).toString();
    // Reports a previous process queued and the edge never acknowledged go first.
    if (options.outbox.pending > 0) this.#kick();
  }

  get pending(): number {
    return this.#o.outbox.pending;
  }

  /** Queues a report durably and sends it; false when its fill was queued before (not sent again). */
  push(report: ExecutionReport): boolean {
    const queued = this.#o.outbox.enqueue(report);
    if (queued && !this.#timer) this.#kick();
    return queued;
  }

  #kick(): void {
    if (this.#closed) return;
    this.#sending ??= this.#send().finally(() => {
      this.#sending = undefined;
      if (this.#o.outbox.pending > 0 && !this.#timer && !this.#closed) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#kick();
        }, this.#backoffMs);
        this.#timer.unref();
      }
    });
  }

  async #send(): Promise<void> {
    while (!this.#closed) {
      const queued = this.#o.outbox.peek(MAX_BATCH);
      if (queued.length === 0) return;
      const batch = queued.map((q) => q.report);
      try {
        const res = await (this.#o.fetch ?? fetch)(this.#url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${this.#o.token}` },
          body: JSON.stringify({ reports: batch }),
          signal: AbortSignal.timeout(5000),
        });
        if (!res.ok) throw new Error(`edge answered ${res.status}`);
        await res.body?.cancel();
      } catch (err) {
        this.#backoffMs = Math.min(this.#o.maxBackoffMs ?? 30_000, Math.max(250, this.#backoffMs * 2));
        this.#o.log.warn("execution reports not delivered; retrying", { reports: batch.length, retryInMs: this.#backoffMs, reason: err instanceof Error ? err.message : String(err) });
        return;
      }
      if (this.#closed) return; // the outbox may be closed already; the batch goes again next start
      this.#o.outbox.ack(queued.at(-1)!.seq);
      this.delivered += batch.length;
      this.#backoffMs = 0;
    }
  }

  /** Waits for the queue to empty (tests); resolves false if it has not after `timeoutMs`. */
  async drained(timeoutMs = 5000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return this.pending === 0;
  }

  /** Stops sending; resolves once a batch on the wire has settled (the outbox can then be closed). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#sending;
  }
}
