/**
 * Test helper: the bridge's real app (http.ts) for tests of the routes mounted in it, with the
 * market side idle — a simulator source, the edge link down, a fixed clock. Pass the routes under
 * test (and a log); anything else can be overridden.
 *
 * @example
 * const app = routesApp({ log, records: recordRoutes({ store, token, log }) });
 */
import { createApp, type AppDeps } from "../http";

export function routesApp(deps: Pick<AppDeps, "log"> & Partial<AppDeps>): ReturnType<typeof createApp> {
  return createApp({
    startedAt: 0,
    now: () => 1000,
    source: { kind: "simulator", symbols: ["BTCUSDT"], updatesPerSec: 40 },
    edge: () => ({ connected: false, lastSentAt: null, batchesSent: 0, updatesSent: 0, reconnects: 0, pending: 0, droppedClosedKlines: 0 }),
    ...deps,
  });
}
