/**
 * Inference with the committed model through onnxruntime-node: the recorded check input gives
 * the recorded output (computed by the training script's own forward pass), and a model trained
 * on other features is refused.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FEATURE_COUNT } from "@bot-core/analysis";
import { describe, expect, it } from "vitest";
import { defaultModelPath, loadOnnxPredictor, ModelLoadError } from "./model";

const onnxPath = defaultModelPath();
const record = JSON.parse(readFileSync(onnxPath.replace(/\.onnx$/, ".json"), "utf8")) as { weights: { featureNames: string[] }; check: { features: number[]; probabilityUp: number } };

describe("the committed ONNX model", () => {
  it("gives the known output for the known input", async () => {
    const model = await loadOnnxPredictor(onnxPath);
    expect(model.version).toBe("signal-mlp-v1");
    expect(model.horizonBars).toBe(5);
    const p = await model.predict(Float32Array.from(record.check.features));
    // float32 inference against the float64 reference forward pass of the same float32 weights.
    expect(Math.abs(p - record.check.probabilityUp)).toBeLessThan(1e-5);
    // A different input gives a different answer (the model is not a constant).
    const other = Float32Array.from(record.check.features, (x, i) => (i === 3 ? x + 1 : x));
    expect(await model.predict(other)).not.toBeCloseTo(p, 6);
  });

  it("rejects a feature vector of the wrong length", async () => {
    const model = await loadOnnxPredictor(onnxPath);
    await expect(model.predict(new Float32Array(FEATURE_COUNT - 1))).rejects.toThrow(RangeError);
  });

  it("refuses a model trained on other features", async () => {
    const dir = mkdtempSync(join(tmpdir(), "model-"));
    try {
      const path = join(dir, "m.onnx");
      copyFileSync(onnxPath, path);
      writeFileSync(join(dir, "m.json"), JSON.stringify({ weights: { version: "x", horizonBars: 5, featureNames: [...record.weights.featureNames].reverse() } }));
      await expect(loadOnnxPredictor(path)).rejects.toBeInstanceOf(ModelLoadError);
      await expect(loadOnnxPredictor(join(dir, "missing.onnx"))).rejects.toBeInstanceOf(ModelLoadError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
