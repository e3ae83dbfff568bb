/**
 * Signals: the analysis of a symbol (signal, confidence, levels, reasons, per-stage timings),
 * the auto-trading switches per symbol and the bot's decision log. Every part says clearly when
 * its endpoint is not there yet.
 */
import { createResource, createSignal, createUniqueId, For, onMount, Show, type JSX } from "solid-js";
import { SYMBOL_NAMES } from "../lib/instruments";
import { NotAvailable } from "../components/NotAvailable";
import { Skeleton } from "../components/Skeleton";
import { ApiError } from "../lib/api";
import { insightEndpoints, parseAnalysis, parseDecisions, parseSwitches, type Analysis } from "../lib/insights-api";
import { WATCHLIST } from "../lib/live";
import { useSession } from "../lib/session";

export default function SignalsPage(): JSX.Element {
  const api = insightEndpoints(useSession().api);
  const id = createUniqueId();
  const [symbol, setSymbol] = createSignal("BTCUSDT");
  const [analysis, setAnalysis] = createSignal<{ state: "idle" | "loading" | "missing" | "error" | "ready"; value?: Analysis; message?: string; status?: number }>({ state: "idle" });
  const [switches, { mutate }] = createResource(() => api.botSettings());
  const [decisions] = createResource(() => api.decisions());
  onMount(() => (document.title = "Signals · Bot Core"));

  async function analyze(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    setAnalysis({ state: "loading" });
    try {
      const r = await api.analyze(symbol());
      if (!r.available) {
        setAnalysis(r.status === 404 || r.status === 501 ? { state: "missing", status: r.status } : { state: "error", message: `The analysis failed: ${r.message}` });
        return;
      }
      const a = parseAnalysis(r.value, symbol());
      setAnalysis(a ? { state: "ready", value: a } : { state: "error", message: "The analysis came back in a shape this page does not know." });
    } catch (err) {
      setAnalysis({ state: "error", message: err instanceof ApiError ? err.message : "The analysis failed." });
    }
  }

  async function toggle(s: string, enabled: boolean): Promise<void> {
    const r = await api.setBotSwitch(s, enabled).catch(() => null);
    if (r?.available) mutate({ available: true, value: r.value });
  }

  return (
    <div class="page">
      <h1>Signals</h1>
      <section class="card pad" aria-labelledby={`${id}-a`}>
        <h2 id={`${id}-a`}>Analysis</h2>
        <form class="inline-form" onSubmit={(e) => void analyze(e)}>
          <div class="field">
            <label for={`${id}-symbol`}>Symbol</label>
            <select id={`${id}-symbol`} value={symbol()} onChange={(e) => setSymbol(e.currentTarget.value)}>
              <For each={SYMBOL_NAMES}>{(s) => <option value={s}>{s}</option>}</For>
            </select>
          </div>
          <button class="button" type="submit" disabled={analysis().state === "loading"}>
            {analysis().state === "loading" ? "Analyzing…" : "Analyze"}
          </button>
        </form>
        <Show when={analysis().state === "missing"}>
          <NotAvailable what="Analysis" endpoint="POST /api/ai/analyze" status={analysis().status} />
        </Show>
        <Show when={analysis().state === "error"}>
          <p class="alert" role="alert">
            {analysis().message}
          </p>
        </Show>
        <Show when={analysis().value}>
          {(a) => (
            <div class="analysis" aria-live="polite">
              <p class="signal" data-signal={a().signal.toLowerCase().replace(/\s+/g, "-")}>
                {a().signal}
                <Show when={a().confidence !== null}> · confidence {((a().confidence ?? 0) * 100).toFixed(0)}%</Show>
              </p>
              <dl class="kv">
                <dt>Entry</dt>
                <dd class="num">{a().entry ?? "—"}</dd>
                <dt>Stop-loss</dt>
                <dd class="num">{a().stopLoss ?? "—"}</dd>
                <dt>Take-profit</dt>
                <dd class="num">{a().takeProfit ?? "—"}</dd>
                <dt>Risk : reward</dt>
                <dd class="num">{a().riskReward ?? "—"}</dd>
                <dt>Model</dt>
                <dd>{a().modelVersion ?? "—"}</dd>
              </dl>
              <h3>Reasons</h3>
              <ul>
                <For each={a().reasons} fallback={<li class="muted">No reasons given.</li>}>
                  {(r) => <li>{r}</li>}
                </For>
              </ul>
              <h3>Timings</h3>
              <ul class="timings">
                <For each={a().timings} fallback={<li class="muted">No timings given.</li>}>
                  {(t) => (
                    <li>
                      {t.stage}: <span class="num">{t.ms.toFixed(1)} ms</span>
                    </li>
                  )}
                </For>
              </ul>
            </div>
          )}
        </Show>
      </section>

      <section class="card pad" aria-labelledby={`${id}-bot`}>
        <h2 id={`${id}-bot`}>Auto-trading</h2>
        <Show when={switches()} fallback={<Skeleton lines={2} label="Loading the bot's switches…" />}>
          {(r) => (
            <Show when={r().available ? r() : null} fallback={<NotAvailable what="Auto-trading" endpoint="GET /api/bot/settings" status={!r().available ? (r() as { status: number }).status : 404} />}>
              {(ok) => {
                const map = () => parseSwitches((ok() as { value: unknown }).value);
                return (
                  <ul class="switches">
                    <For each={WATCHLIST}>
                      {(s) => (
                        <li>
                          <label class="check">
                            <input type="checkbox" role="switch" checked={map()[s] ?? false} onChange={(e) => void toggle(s, e.currentTarget.checked)} /> {s}
                          </label>
                        </li>
                      )}
                    </For>
                  </ul>
                );
              }}
            </Show>
          )}
        </Show>
      </section>

      <section class="card pad" aria-labelledby={`${id}-log`}>
        <h2 id={`${id}-log`}>Decision log</h2>
        <Show when={decisions()} fallback={<Skeleton lines={3} label="Loading the decision log…" />}>
          {(r) => (
            <Show when={r().available ? r() : null} fallback={<NotAvailable what="The bot's decision log" endpoint="GET /api/bot/decisions" status={!r().available ? (r() as { status: number }).status : 404} />}>
              {(ok) => (
                <ul class="decisions">
                  <For each={parseDecisions((ok() as { value: unknown }).value)} fallback={<li class="muted">No decisions yet.</li>}>
                    {(d) => (
                      <li>
                        <span class="muted small">{d.time}</span> {d.symbol} <strong>{d.action}</strong> {d.reason}
                      </li>
                    )}
                  </For>
                </ul>
              )}
            </Show>
          )}
        </Show>
      </section>
    </div>
  );
}
