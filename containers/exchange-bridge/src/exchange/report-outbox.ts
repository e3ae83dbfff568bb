/**
 * The bridge's durable record of live orders, in `<DATA_DIR>/live-orders.sqlite` (a file of its
 * own, like the sealed keys: the record store's contract and its MongoDB twin stay untouched):
 *
 * - `report_outbox`: execution reports not yet acknowledged by the edge, in arrival order. A row is
 *   written (and fsynced) before anything is sent and deleted only after the edge answered 2xx,
 *   so a bridge crash loses none; after a restart they are sent again, oldest first.
 * - `open_orders`: the live orders the bridge has seen that are not final yet, with the time of
 *   their last update. The reconciler looks up the stale ones (and all of them after a restart).
 * - `reported_trades`: venue trade ids already queued for the edge, so a fill learned twice (the
 *   user data stream and a reconciliation lookup) is queued once. The edge applies each fill once
 *   by trade id anyway; this keeps the wire quiet. Rows are pruned after a day (`prune`).
 *
 * @example
 * const outbox = ReportOutbox.open(path.join(config.dataDir, REPORTS_FILE_NAME));
 * outbox.enqueue(report); // false when the report's fill was queued before
 */
import { openSqlite, transaction, type DatabaseSync } from "../records/sqlite-driver";
import type { ExecutionReport } from "./execution-reports";

export const REPORTS_FILE_NAME = "live-orders.sqlite";

const FINAL_STATUSES: ReadonlySet<string> = new Set(["FILLED", "CANCELED", "REJECTED", "EXPIRED", "EXPIRED_IN_MATCH"]);

/** An open live order as the bridge last saw it. */
export interface TrackedOrder {
  readonly userId: string;
  readonly venue: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly venueOrderId: string;
  readonly status: string;
  readonly executedQty: string;
  /** Local epoch ms of the last update (report or lookup). */
  readonly seenAt: number;
}

export interface QueuedReport {
  readonly seq: number;
  readonly report: ExecutionReport;
}

export class ReportOutbox {
  private constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => number,
  ) {}

  static open(file: string, options: { now?: () => number } = {}): ReportOutbox {
    const db = openSqlite(file);
    db.exec(`CREATE TABLE IF NOT EXISTS report_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, report TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS open_orders (
        venue TEXT NOT NULL,
        user_id TEXT NOT NULL,
        client_order_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        venue_order_id TEXT NOT NULL,
        status TEXT NOT NULL,
        executed_qty TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (venue, user_id, client_order_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS reported_trades (
        venue TEXT NOT NULL,
        symbol TEXT NOT NULL,
        trade_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        client_order_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (venue, symbol, trade_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS reported_trades_order ON reported_trades (venue, user_id, client_order_id);`);
    return new ReportOutbox(db, options.now ?? Date.now);
  }

  /**
   * Queues a report for the edge and updates the order's tracking, in one transaction. Returns
   * false (nothing queued) when the report carries a fill whose trade id was queued before.
   */
  enqueue(report: ExecutionReport): boolean {
    return transaction(this.db, () => {
      if (report.fill) {
        const fresh = this.db
          .prepare("INSERT INTO reported_trades (venue, symbol, trade_id, user_id, client_order_id, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING trade_id")
          .all(report.venue, report.symbol, report.fill.tradeId, report.userId, report.clientOrderId, this.now());
        if (fresh.length === 0) return false;
      }
      this.db.prepare("INSERT INTO report_outbox (report) VALUES (?)").run(JSON.stringify(report));
      this.#track(report);
      return true;
    });
  }

  #track(r: ExecutionReport): void {
    if (FINAL_STATUSES.has(r.status)) {
      this.db.prepare("DELETE FROM open_orders WHERE venue = ? AND user_id = ? AND client_order_id = ?").run(r.venue, r.userId, r.clientOrderId);
      return;
    }
    this.db
      .prepare(
        `INSERT INTO open_orders (venue, user_id, client_order_id, symbol, venue_order_id, status, executed_qty, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET venue_order_id = excluded.venue_order_id, status = excluded.status, executed_qty = excluded.executed_qty, seen_at = excluded.seen_at`,
      )
      .run(r.venue, r.userId, r.clientOrderId, r.symbol, r.venueOrderId, r.status, r.executedQty, this.now());
  }

  /** Trade ids of an order already queued (the reconciler reports only the others). */
  reportedTrades(order: Pick<TrackedOrder, "venue" | "userId" | "clientOrderId">): Set<string> {
    const rows = this.db.prepare("SELECT trade_id FROM reported_trades WHERE venue = ? AND user_id = ? AND client_order_id = ?").all(order.venue, order.userId, order.clientOrderId) as { trade_id: string }[];
    return new Set(rows.map((r) => r.trade_id));
  }

  /** The oldest queued reports. */
  peek(limit: number): QueuedReport[] {
    const rows = this.db.prepare("SELECT seq, report FROM report_outbox ORDER BY seq LIMIT ?").all(limit) as { seq: number; report: string }[];
    return rows.map((r) => ({ seq: Number(r.seq), report: JSON.parse(r.report) as ExecutionReport }));
  }

  /** The edge acknowledged every report up to `seq`. */
  ack(seq: number): void {
    this.db.prepare("DELETE FROM report_outbox WHERE seq <= ?").run(seq);
  }

  get pending(): number {
    return Number((this.db.prepare("SELECT COUNT(*) AS n FROM report_outbox").get() as { n: number }).n);
  }

  /** Open orders with no update since `before` (every open order when omitted), oldest first. */
  openOrders(before?: number): TrackedOrder[] {
    const rows = this.db.prepare("SELECT * FROM open_orders WHERE seen_at < ? ORDER BY seen_at LIMIT 200").all(before ?? Number.MAX_SAFE_INTEGER) as {
      venue: string; user_id: string; client_order_id: string; symbol: string; venue_order_id: string; status: string; executed_qty: string; seen_at: number;
    }[];
    return rows.map((r) => ({ venue: r.venue, userId: r.user_id, clientOrderId: r.client_order_id, symbol: r.symbol, venueOrderId: r.venue_order_id, status: r.status, executedQty: r.executed_qty, seenAt: Number(r.seen_at) }));
  }

  /** A lookup found nothing new: the order counts as seen now. */
  touch(order: Pick<TrackedOrder, "venue" | "userId" | "clientOrderId">): void {
    this.db.prepare("UPDATE open_orders SET seen_at = ? WHERE venue = ? AND user_id = ? AND client_order_id = ?").run(this.now(), order.venue, order.userId, order.clientOrderId);
  }

  /** Stops tracking an order (the venue does not know it, or the user's keys are gone). */
  forget(order: Pick<TrackedOrder, "venue" | "userId" | "clientOrderId">): void {
    this.db.prepare("DELETE FROM open_orders WHERE venue = ? AND user_id = ? AND client_order_id = ?").run(order.venue, order.userId, order.clientOrderId);
  }

  /** Drops remembered trade ids queued before `before` (epoch ms). */
  prune(before: number): void {
    this.db.prepare("DELETE FROM reported_trades WHERE at < ?").run(before);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
