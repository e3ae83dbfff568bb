/**
 * Store selection: MongoDB when MONGODB_URI is set, otherwise the embedded SQLite file
 * `<DATA_DIR>/records.sqlite`. With `metrics`, every call is timed (instrumented-store.ts) and the
 * MongoDB pool's connections are counted.
 *
 * @example
 * const store = await openRecordStore(config, { log });
 */
import path from "node:path";
import type { BridgeConfig } from "../config";
import type { Logger } from "../log";
import type { BridgeMetrics } from "../metrics";
import { instrumentRecordStore } from "./instrumented-store";
import { MongoRecordStore } from "./mongo-store";
import type { RecordStore } from "./record-store";
import { SQLITE_FILE_NAME, SqliteRecordStore } from "./sqlite-store";

export async function openRecordStore(
  config: Pick<BridgeConfig, "dataDir" | "mongodbUri" | "mongodbPoolSize">,
  deps: { readonly log: Logger; readonly now?: () => number; readonly metrics?: BridgeMetrics },
): Promise<RecordStore> {
  const { metrics } = deps;
  const instrumented = (store: RecordStore) => (metrics ? instrumentRecordStore(store, { metrics, log: deps.log }) : store);
  if (config.mongodbUri) {
    const store = await MongoRecordStore.connect({
      uri: config.mongodbUri,
      poolSize: config.mongodbPoolSize,
      ...(deps.now ? { now: deps.now } : {}),
      ...(metrics ? { onClient: (client) => metrics.trackMongoPool(client) } : {}),
    });
    deps.log.info("record store ready", { store: "mongodb", database: store.db.databaseName, poolSize: config.mongodbPoolSize });
    return instrumented(store);
  }
  const file = path.join(config.dataDir, SQLITE_FILE_NAME);
  const store = SqliteRecordStore.open(file, deps.now ? { now: deps.now } : {});
  deps.log.info("record store ready", { store: "sqlite", file });
  return instrumented(store);
}
