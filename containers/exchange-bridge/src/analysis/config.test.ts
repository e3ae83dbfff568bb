import { describe, expect, it } from "vitest";
import { ConfigError } from "../config";
import { analysisConfigFromEnv } from "./config";
import { defaultModelPath } from "./model";

describe("analysisConfigFromEnv", () => {
  it("defaults: the committed model, a queue of 100, no explainer", () => {
    const c = analysisConfigFromEnv({});
    expect(c).toMatchObject({ modelPath: defaultModelPath(), queueCapacity: 100, explainer: null, signalIntervals: ["1m"] });
    expect(c.workers).toBeGreaterThanOrEqual(1);
    expect(c.workers).toBeLessThanOrEqual(4);
  });

  it("reads overrides and refuses bad values, listing every problem", () => {
    expect(analysisConfigFromEnv({ ANALYSIS_WORKERS: "3", ANALYSIS_QUEUE: "10", ANALYSIS_MODEL_PATH: "none" })).toMatchObject({ workers: 3, queueCapacity: 10, modelPath: null });
    expect(analysisConfigFromEnv({ ANALYSIS_MODEL_PATH: "m/x.onnx" }, "/srv").modelPath).toBe("/srv/m/x.onnx");
    expect(analysisConfigFromEnv({ SIGNAL_INTERVALS: "1m, 5m,1m" }).signalIntervals).toEqual(["1m", "5m"]);
    expect(analysisConfigFromEnv({ SIGNAL_INTERVALS: "none" }).signalIntervals).toEqual([]);
    expect(() => analysisConfigFromEnv({ SIGNAL_INTERVALS: "1m,7m" })).toThrow(/SIGNAL_INTERVALS/);
    try {
      analysisConfigFromEnv({ ANALYSIS_WORKERS: "0", ANALYSIS_QUEUE: "abc", ANALYSIS_MODEL_PATH: "x.bin" });
      expect.fail("should throw");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(3);
    }
  });
});
