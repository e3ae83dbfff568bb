/**
 * Store selection: MongoDB when MONGODB_URI is set, otherwise the embedded SQLite file
 * `<DATA_DIR>/records.sqlite`.
 *
 * @example
 * const store = await openRecordStore(config, { log });
 */
import path from "node:path";
import type { BridgeConfig } from "../config";
import type { Logger } from "../log";
import { MongoRecordStore } from "./mongo-store";
import type { RecordStore } from "./record-store";
import { SQLITE_FILE_NAME, SqliteRecordStore } from "./sqlite-store";

export async function openRecordStore(
  config: Pick<BridgeConfig, "dataDir" | "mongodbUri" | "mongodbPoolSize">,
  deps: { readonly log: Logger; readonly now?: () => number },
): Promise<RecordStore> {
  if (config.mongodbUri) {
    const store = await MongoRecordStore.connect({ uri: config.mongodbUri, poolSize: config.mongodbPoolSize, ...(deps.now ? { now: deps.now } : {}) });
    deps.log.info("record store ready", { store: "mongodb", database: store.db.databaseName, poolSize: config.mongodbPoolSize });
    return store;
  }
  const file = path.join(config.dataDir, SQLITE_FILE_NAME);
  const store = SqliteRecordStore.open(file, deps.now ? { now: deps.now } : {});
  deps.log.info("record store ready", { store: "sqlite", file });
  return store;
}
