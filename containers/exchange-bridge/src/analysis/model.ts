/**
 * The ONNX model, loaded once per worker with onnxruntime-node (the native CPU build bundled in
 * the npm package; one intra-op thread, since the worker pool is the parallelism). The JSON
 * beside the .onnx file carries the version, the horizon and the feature names, checked against
 * the engine's FEATURE_NAMES at load: a model trained on other features is refused.
 *
 * @example
 * const model = await loadOnnxPredictor("/app/models/signal-mlp-v1.onnx");
 * await model.predict(features); // 0..1
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { FEATURE_COUNT, FEATURE_NAMES } from "@bot-core/analysis";
import * as ort from "onnxruntime-node";
import { z } from "zod";
import type { Predictor } from "./pipeline";

export const DEFAULT_MODEL_FILE = "signal-mlp-v1.onnx";

/** The committed model in the repository's models/ (source tree and bundle alike sit 3 levels down). */
export function defaultModelPath(): string {
  const here = fileURLToPath(import.meta.url);
  const root = here.includes("/src/analysis/") ? new URL("../../../../models/", import.meta.url) : new URL("../../../models/", import.meta.url);
  return fileURLToPath(new URL(DEFAULT_MODEL_FILE, root));
}

const Sidecar = z.object({
  weights: z.object({ version: z.string().min(1), horizonBars: z.number().int().positive(), featureNames: z.array(z.string()) }),
});

export class ModelLoadError extends Error {
  override readonly name = "ModelLoadError";
}

export async function loadOnnxPredictor(onnxPath: string): Promise<Predictor> {
  const sidecarPath = onnxPath.replace(/\.onnx$/, ".json");
  let meta: z.infer<typeof Sidecar>["weights"];
  try {
    meta = Sidecar.parse(JSON.parse(await readFile(sidecarPath, "utf8"))).weights;
  } catch (err) {
    throw new ModelLoadError(`cannot read the model description ${sidecarPath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (meta.featureNames.join(",") !== FEATURE_NAMES.join(",")) {
    throw new ModelLoadError(`model ${meta.version} was trained on other features than this engine computes`);
  }
  const session = await ort.InferenceSession.create(onnxPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const [input] = session.inputNames;
  const [output] = session.outputNames;
  if (!input || !output) throw new ModelLoadError("the model has no input or output");
  return {
    version: meta.version,
    horizonBars: meta.horizonBars,
    async predict(features: Float32Array): Promise<number> {
      if (features.length !== FEATURE_COUNT) throw new RangeError(`expected ${FEATURE_COUNT} features, got ${features.length}`);
      const result = await session.run({ [input]: new ort.Tensor("float32", features, [1, FEATURE_COUNT]) });
      const p = (result[output]!.data as Float32Array)[0]!;
      return Math.min(1, Math.max(0, p));
    },
  };
}
