import { MIN_SIGNAL_CONFIDENCE } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { BOT_MIN_CONFIDENCE, botFormValues, toBotPatch, validateBotForm } from "./bot-form";

describe("the bot settings form", () => {
  it("uses core's minimum signal confidence", () => {
    expect(BOT_MIN_CONFIDENCE).toBe(MIN_SIGNAL_CONFIDENCE);
  });

  it("accepts thresholds from 0.7 to 1 and an empty or positive USDT size", () => {
    for (const minConfidence of ["0.7", "0.85", "1", "1.0", "0.9999"]) expect(validateBotForm({ enabled: true, minConfidence, quoteAmount: "" }), minConfidence).toEqual({});
    for (const quoteAmount of ["25", "0.00000001", "1000.5", " 50 "]) expect(validateBotForm({ enabled: true, minConfidence: "0.8", quoteAmount }), quoteAmount).toEqual({});
  });

  it("names each out-of-range field", () => {
    for (const minConfidence of ["0.69", "1.01", "2", "", "abc", "0.123456", "-0.8", "7e-1"]) {
      expect(validateBotForm({ enabled: true, minConfidence, quoteAmount: "" }).minConfidence, minConfidence).toMatch(/from 0.7 to 1/);
    }
    for (const quoteAmount of ["0", "0.000", "-5", "1e3", "1.123456789", "ten"]) {
      expect(validateBotForm({ enabled: true, minConfidence: "0.8", quoteAmount }).quoteAmount, quoteAmount).toMatch(/positive USDT amount/);
    }
  });

  it("reads the server's settings into the form and the form into a patch", () => {
    expect(botFormValues(undefined)).toEqual({ enabled: false, minConfidence: "0.7", quoteAmount: "" });
    expect(botFormValues({ enabled: true, minConfidence: 0.85, quoteAmount: "50" })).toEqual({ enabled: true, minConfidence: "0.85", quoteAmount: "50" });
    expect(toBotPatch({ enabled: true, minConfidence: " 0.85", quoteAmount: "" })).toEqual({ enabled: true, minConfidence: 0.85, quoteAmount: null });
    expect(toBotPatch({ enabled: false, minConfidence: "1", quoteAmount: "25.5 " })).toEqual({ enabled: false, minConfidence: 1, quoteAmount: "25.5" });
  });
});
