/**
 * UserAccount: one per user. Owns the user's trading state (balances, orders, positions, event
 * log, outbox) in its own SQLite. The foundation stores the account header; the trading core
 * adds the rest as numbered migrations.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/api/src/env";
import { migrate, type Migration } from "./sql-migrations";

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE account (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      user_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      opened_at INTEGER NOT NULL
    )`,
  },
];

export interface AccountHeader {
  userId: string;
  createdAt: number;
  openedAt: number;
}

export class UserAccount extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, MIGRATIONS);
    });
  }

  /**
   * Creates the account on registration; idempotent (a retry returns the existing header).
   * Returns a result rather than throwing across the RPC boundary.
   */
  open(input: { userId: string; createdAt: number }): { ok: true; header: AccountHeader } | { ok: false; error: "owned_by_another_user" } {
    const sql = this.ctx.storage.sql;
    sql.exec(
      "INSERT INTO account (id, user_id, created_at, opened_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
      input.userId,
      input.createdAt,
      Date.now(),
    );
    const header = this.header();
    if (!header) throw new Error("account row missing after open");
    if (header.userId !== input.userId) return { ok: false, error: "owned_by_another_user" };
    return { ok: true, header };
  }

  header(): AccountHeader | null {
    const row = this.ctx.storage.sql
      .exec<{ user_id: string; created_at: number; opened_at: number }>("SELECT user_id, created_at, opened_at FROM account WHERE id = 1")
      .toArray()[0];
    return row ? { userId: row.user_id, createdAt: row.created_at, openedAt: row.opened_at } : null;
  }
}
