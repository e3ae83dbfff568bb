/**
 * Sealed exchange API keys on disk: one row per (user, venue) in `<DATA_DIR>/exchange-keys.sqlite`
 * (a file of its own, so the record store's contract and its MongoDB twin stay untouched).
 * Rows hold only the AES-GCM blob from `KeyVault.seal` and when it was stored; nothing here can
 * read a key without the vault.
 *
 * @example
 * const store = SqliteSealedKeyStore.open(path.join(config.dataDir, KEYS_FILE_NAME));
 * const keyring = new ApiKeyring(vault, store);
 */
import type { KeyOwner, SealedKeyStore } from "./keystore";
import { openSqlite, type DatabaseSync } from "../records/sqlite-driver";

export const KEYS_FILE_NAME = "exchange-keys.sqlite";

/** What may be said about a stored key without opening it. */
export interface StoredKeyInfo {
  readonly venue: string;
  /** Epoch ms of the last write. */
  readonly storedAt: number;
}

export interface ListableSealedKeyStore extends SealedKeyStore {
  /** The venues a user has keys for, by venue name. */
  list(userId: string): Promise<StoredKeyInfo[]>;
  close(): void;
}

export class SqliteSealedKeyStore implements ListableSealedKeyStore {
  private constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => number,
  ) {}

  static open(file: string, options: { now?: () => number } = {}): SqliteSealedKeyStore {
    const db = openSqlite(file);
    db.exec(`CREATE TABLE IF NOT EXISTS exchange_keys (
      user_id TEXT NOT NULL,
      venue TEXT NOT NULL,
      sealed TEXT NOT NULL,
      stored_at INTEGER NOT NULL,
      PRIMARY KEY (user_id, venue)
    ) WITHOUT ROWID`);
    return new SqliteSealedKeyStore(db, options.now ?? Date.now);
  }

  async get(owner: KeyOwner): Promise<string | undefined> {
    const row = this.db.prepare("SELECT sealed FROM exchange_keys WHERE user_id = ? AND venue = ?").get(owner.userId, owner.venue) as { sealed: string } | undefined;
    return row?.sealed;
  }

  async put(owner: KeyOwner, sealed: string): Promise<void> {
    this.db
      .prepare("INSERT INTO exchange_keys (user_id, venue, sealed, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, venue) DO UPDATE SET sealed = excluded.sealed, stored_at = excluded.stored_at")
      .run(owner.userId, owner.venue, sealed, this.now());
  }

  async delete(owner: KeyOwner): Promise<void> {
    this.db.prepare("DELETE FROM exchange_keys WHERE user_id = ? AND venue = ?").run(owner.userId, owner.venue);
  }

  async list(userId: string): Promise<StoredKeyInfo[]> {
    const rows = this.db.prepare("SELECT venue, stored_at FROM exchange_keys WHERE user_id = ? ORDER BY venue").all(userId) as { venue: string; stored_at: number }[];
    return rows.map((r) => ({ venue: r.venue, storedAt: Number(r.stored_at) }));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
