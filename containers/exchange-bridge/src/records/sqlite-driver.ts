/**
 * Loads Node's built-in SQLite (`node:sqlite`, Node >= 22.13 without a flag; see
 * docs/decisions.md #11) and opens a database file in WAL mode.
 *
 * Node 22 still prints "ExperimentalWarning: SQLite is an experimental feature" on stderr the
 * first time the module loads. The bridge logs JSON lines only, so that one warning is dropped
 * while the module loads; every other warning goes through untouched.
 *
 * @example
 * const db = openSqlite("/data/records.sqlite"); // WAL, synchronous=FULL, busy timeout 5 s
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as NodeSqlite from "node:sqlite";

export type DatabaseSync = NodeSqlite.DatabaseSync;
export type StatementSync = NodeSqlite.StatementSync;

let sqlite: typeof NodeSqlite | undefined;

function loadSqlite(): typeof NodeSqlite {
  if (sqlite) return sqlite;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if ((type === "ExperimentalWarning" || (warning instanceof Error && warning.name === "ExperimentalWarning")) && /SQLite/i.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    // createRequire: a static `import` would load (and warn) before this function runs, and
    // bundlers do not all know the prefix-only `node:sqlite` builtin.
    sqlite = createRequire(import.meta.url)("node:sqlite") as typeof NodeSqlite;
  } finally {
    process.emitWarning = emitWarning;
  }
  return sqlite;
}

export interface SqliteOptions {
  /**
   * "FULL" (default): every commit is fsynced before the outbox batch is acknowledged, so an
   * acknowledged record survives a power loss. "NORMAL" survives a process crash only.
   */
  readonly synchronous?: "FULL" | "NORMAL";
}

/** Opens (creating its directory if needed) a database file in WAL mode with the pragmas above. */
export function openSqlite(file: string, options: SqliteOptions = {}): DatabaseSync {
  const { DatabaseSync } = loadSqlite();
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    const mode = db.prepare("PRAGMA journal_mode = WAL").get() as { journal_mode?: string } | undefined;
    if (file !== ":memory:" && mode?.journal_mode !== "wal") throw new Error(`could not switch ${file} to WAL (journal_mode=${String(mode?.journal_mode)})`);
    db.exec(`PRAGMA synchronous = ${options.synchronous ?? "FULL"}`);
    db.exec("PRAGMA foreign_keys = ON");
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Runs `fn` in one write transaction (BEGIN IMMEDIATE), rolling back if it throws. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}
