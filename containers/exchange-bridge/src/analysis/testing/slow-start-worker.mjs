// A worker that takes 300 ms to load its model (the real one loads ONNX), then answers nothing:
// closing the pool meanwhile must wait for the load before terminating it (pool.test.ts).
import { parentPort } from "node:worker_threads";

setTimeout(() => parentPort.postMessage({ type: "ready", modelVersion: "slow-start" }), 300);
