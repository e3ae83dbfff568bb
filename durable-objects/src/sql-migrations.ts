/**
 * Numbered schema migrations for a Durable Object's SQLite storage.
 * Run once per instance start-up inside `blockConcurrencyWhile`; each migration runs at most once.
 *
 * @example
 * ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, [
 *   { version: 1, sql: "CREATE TABLE account (...)" },
 * ]));
 */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export function migrate(storage: DurableObjectStorage, migrations: readonly Migration[]): number {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const current = sql.exec<{ v: number | null }>("SELECT MAX(version) AS v FROM _migrations").one().v ?? 0;
  let applied = current;
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    storage.transactionSync(() => {
      sql.exec(m.sql);
      sql.exec("INSERT INTO _migrations (version, applied_at) VALUES (?, ?)", m.version, Date.now());
    });
    applied = m.version;
  }
  return applied;
}
