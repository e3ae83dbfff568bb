/**
 * Optional plain-language explanation of a signal by an LLM, behind an interface. Off by default:
 * `explainerFromEnv` returns null unless LLM_API_URL and LLM_API_KEY are both set, and nothing
 * then touches the network. The one implementation speaks the OpenAI-compatible
 * chat-completions protocol (POST {url} with a Bearer key); the key is never logged or returned.
 *
 * @example
 * const explainer = explainerFromEnv(process.env); // null when not configured
 * if (explainer) signal.explanation = await explainer.explain(signal);
 */
import type { Signal } from "@bot-core/analysis";
import { z } from "zod";

export interface Explainer {
  explain(signal: Signal, abort?: AbortSignal): Promise<string>;
}

export interface LlmConfig {
  readonly url: string;
  readonly apiKey: string;
  readonly model: string;
  readonly timeoutMs: number;
}

export function llmConfigFromEnv(env: Readonly<Record<string, string | undefined>>): LlmConfig | null {
  const url = env.LLM_API_URL?.trim();
  const apiKey = env.LLM_API_KEY?.trim();
  if (!url || !apiKey) return null;
  const timeout = Number(env.LLM_TIMEOUT_MS ?? "3000");
  return { url, apiKey, model: env.LLM_MODEL?.trim() || "gpt-4o-mini", timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 3000 };
}

export function explainerFromEnv(env: Readonly<Record<string, string | undefined>>, fetchImpl: typeof fetch = fetch): Explainer | null {
  const config = llmConfigFromEnv(env);
  return config ? new ChatCompletionsExplainer(config, fetchImpl) : null;
}

const ChatResponse = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1) });

/** The facts an LLM gets: the signal's decision and reasons, nothing about users or keys. */
export function explanationPrompt(s: Signal): string {
  const reasons = s.reasons.map((r) => `- ${r.source} ${r.name}: ${r.says} (${r.detail})`).join("\n");
  return `Explain in at most three sentences, for a trader, why this ${s.symbol} ${s.interval} signal is "${s.label}" with confidence ${s.confidence}. Entry ${s.entry}, stop ${s.stopLoss ?? "none"}, target ${s.takeProfit ?? "none"}.\nReasons:\n${reasons}`;
}

export class ChatCompletionsExplainer implements Explainer {
  constructor(
    readonly config: LlmConfig,
    readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async explain(signal: Signal, abort?: AbortSignal): Promise<string> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const res = await this.fetchImpl(this.config.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.config.apiKey}` },
      body: JSON.stringify({
        model: this.config.model,
        messages: [
          { role: "system", content: "You explain trading signals briefly and factually. Never give financial advice beyond the signal." },
          { role: "user", content: explanationPrompt(signal) },
        ],
        max_tokens: 200,
      }),
      signal: abort ? AbortSignal.any([abort, timeout]) : timeout,
    });
    if (!res.ok) throw new Error(`the explanation service answered ${res.status}`);
    return ChatResponse.parse(await res.json()).choices[0]!.message.content.trim();
  }
}
