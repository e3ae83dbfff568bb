// A worker that starts like the real one and then never answers a task: the pool's task timeout
// must catch it (pool.test.ts).
import { parentPort } from "node:worker_threads";

parentPort.postMessage({ type: "ready", modelVersion: "hanging" });
parentPort.on("message", () => {
  // Busy forever: a synchronous stage that never returns.
  for (;;);
});
