/**
 * Analysis worker thread: loads the model once and warms up, then runs one task at a time (see pipeline.ts)
 * and answers with the signal or a typed error. Never throws out of a task: a failure is a reply.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadOnnxPredictor } from "./model";
import { CANDLE_FIELDS, runPipeline, StageTimeoutError, type Predictor } from "./pipeline";
import type { TaskMessage, WorkerInit, WorkerMessage } from "./protocol";

const port = parentPort;
if (!port) throw new Error("worker.ts must run in a worker thread");
const post = (m: WorkerMessage) => port.postMessage(m);
const init = workerData as WorkerInit;

/** A few analyses of made-up candles before the first real one: JIT and ONNX Runtime warm-up. */
async function warmUp(model: Predictor | null): Promise<void> {
  const candles = new Float64Array(300 * CANDLE_FIELDS);
  for (let i = 0; i < 300; i++) {
    const close = 100 + 5 * Math.sin(i / 9) + (i % 7) * 0.1;
    candles.set([i * 60_000, close - 0.2, close + 0.4, close - 0.5, close, 10 + (i % 5)], i * CANDLE_FIELDS);
  }
  for (let i = 0; i < 5; i++) await runPipeline({ symbol: "BTCUSDT", interval: "1m", candles }, model);
}

let predictor: Predictor | null = null;
try {
  predictor = init.modelPath ? await loadOnnxPredictor(init.modelPath) : null;
  await warmUp(predictor);
  post({ type: "ready", modelVersion: predictor?.version ?? null });
} catch (err) {
  post({ type: "fatal", message: err instanceof Error ? err.message : String(err) });
}

port.on("message", (task: TaskMessage) => {
  runPipeline(task, predictor).then(
    (signal) => post({ type: "result", id: task.id, signal }),
    (err: unknown) => {
      if (err instanceof StageTimeoutError) post({ type: "error", id: task.id, code: "stage_timeout", message: err.message, stage: err.stage });
      else if (err instanceof RangeError) post({ type: "error", id: task.id, code: "bad_input", message: err.message });
      else post({ type: "error", id: task.id, code: "failed", message: err instanceof Error ? err.message : String(err) });
    },
  );
});
