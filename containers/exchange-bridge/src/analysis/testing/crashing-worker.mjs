// A worker that starts like the real one and then throws on its first task (an uncaught error
// ends the thread): the pool must log the crash, fail that task and replace the worker (pool.test.ts).
import { parentPort } from "node:worker_threads";

parentPort.postMessage({ type: "ready", modelVersion: "crashing" });
parentPort.on("message", () => {
  throw new Error("boom: simulated crash in an analysis stage");
});
