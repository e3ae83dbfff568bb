/** The optional explainer: off unless configured; when configured, one chat-completions call to a real local server. */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSignal, marketState } from "@bot-core/analysis";
import { randomWalkCandles } from "@bot-core/analysis/testing";
import { symbolRules } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { explainerFromEnv, llmConfigFromEnv } from "./explain";

const signal = buildSignal({ symbol: "BTCUSDT", interval: "1m", rules: symbolRules("BTCUSDT")!, state: marketState(randomWalkCandles(100, 2)), model: null });

describe("explainer", () => {
  it("is off unless both LLM_API_URL and LLM_API_KEY are set", () => {
    expect(explainerFromEnv({})).toBeNull();
    expect(explainerFromEnv({ LLM_API_URL: "http://127.0.0.1:1/v1/chat/completions" })).toBeNull();
    expect(explainerFromEnv({ LLM_API_KEY: "k" })).toBeNull();
    expect(llmConfigFromEnv({ LLM_API_URL: "http://x", LLM_API_KEY: "k" })).toMatchObject({ model: "gpt-4o-mini", timeoutMs: 3000 });
  });

  it("when configured, posts the signal's reasons with the Bearer key and returns the answer", async () => {
    let seen: { auth: string | undefined; body: { model: string; messages: { content: string }[] } } | undefined;
    const server = createServer((req: IncomingMessage, res) => {
      let raw = "";
      req.on("data", (d: Buffer) => (raw += d.toString()));
      req.on("end", () => {
        seen = { auth: req.headers.authorization, body: JSON.parse(raw) as { model: string; messages: { content: string }[] } };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ choices: [{ message: { content: "  RSI is neutral; the trend is weak. " } }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
      const explainer = explainerFromEnv({ LLM_API_URL: url, LLM_API_KEY: "secret-key", LLM_MODEL: "tiny" })!;
      expect(await explainer.explain(signal)).toBe("RSI is neutral; the trend is weak.");
      expect(seen?.auth).toBe("Bearer secret-key");
      expect(seen?.body.model).toBe("tiny");
      expect(seen?.body.messages.at(-1)?.content).toContain("BTCUSDT");
      expect(seen?.body.messages.at(-1)?.content).not.toContain("secret-key");
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
