/**
 * The training script reproduces the committed model: the same accuracy (full and quick runs),
 * the same prediction on the recorded check input, and byte for byte the same ONNX file.
 * Trains for real on simulator data (~10 s on 2 cores).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FEATURE_NAMES, mlpForward, MlpWeights } from "@bot-core/analysis";
import { describe, expect, it } from "vitest";
import { mlpToOnnx } from "./onnx";
import { checkInput, FULL, MODEL_VERSION, QUICK, train } from "./train";

const models = join(import.meta.dirname, "..", "models");
const record = JSON.parse(readFileSync(join(models, `${MODEL_VERSION}.json`), "utf8")) as {
  weights: unknown;
  training: { full: { metrics: { testAccuracy: number; trainAccuracy: number; testAuc: number } }; quick: { metrics: { testAccuracy: number } } };
  check: { features: number[]; probabilityUp: number };
};
const committed = MlpWeights.parse(record.weights);

describe("ml/train.ts", () => {
  it("a quick run reproduces the recorded quick accuracy", () => {
    const { metrics } = train(QUICK);
    expect(Math.abs(metrics.testAccuracy - record.training.quick.metrics.testAccuracy)).toBeLessThanOrEqual(0.005);
  });

  it("a full run reproduces the committed model: accuracy, check prediction and the ONNX bytes", () => {
    const { weights, metrics } = train(FULL);
    expect(Math.abs(metrics.testAccuracy - record.training.full.metrics.testAccuracy)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(metrics.trainAccuracy - record.training.full.metrics.trainAccuracy)).toBeLessThanOrEqual(0.005);
    const check = checkInput();
    expect(check.features).toEqual(record.check.features);
    expect(Math.abs(mlpForward(weights, check.features) - record.check.probabilityUp)).toBeLessThan(1e-6);
    const onnx = mlpToOnnx(weights, { producer: "bot-core ml/train.ts", doc: `P(close ${weights.horizonBars} bars ahead > last close) from ${FEATURE_NAMES.length} indicator features` });
    expect(Buffer.from(onnx).equals(readFileSync(join(models, `${MODEL_VERSION}.onnx`)))).toBe(true);
  });

  it("the committed weights describe the features the engine computes", () => {
    expect(committed.featureNames).toEqual([...FEATURE_NAMES]);
    expect(mlpForward(committed, record.check.features)).toBeCloseTo(record.check.probabilityUp, 12);
  });
});
