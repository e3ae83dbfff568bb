/**
 * Signals: the live signal of the selected symbol (pushed on `signals:<SYMBOL>` at every closed
 * 1m candle; a new subscriber gets the latest at once), an on-demand analysis, the bot's
 * switches and per-symbol settings (threshold, size; checked here, the server has the last word)
 * and its decision log (refreshed by `bot.decision` private events). Every part says clearly when
 * its endpoint is not there.
 */
import { createEffect, createResource, createSignal, createUniqueId, For, on, onCleanup, onMount, Show, type JSX } from "solid-js";
import type { Channel } from "@bot-core/core";
import { SYMBOL_NAMES } from "../lib/instruments";
import { TextField } from "../components/TextField";
import { NotAvailable } from "../components/NotAvailable";
import { Skeleton } from "../components/Skeleton";
import { ApiError } from "../lib/api";
import { botFormValues, toBotPatch, validateBotForm, type BotFormErrors } from "../lib/bot-form";
import { insightEndpoints, parseAnalysis, parseBotSymbols, parseDecisions, parseSwitches, type Analysis } from "../lib/insights-api";
import { useLive, WATCHLIST } from "../lib/live";
import type { SignalFrameUpdate } from "../lib/realtime";
import { useSession } from "../lib/session";

const signalsChannel = (symbol: string) => `signals:${symbol}` as Channel;

/** The bot form's text fields (the rest of the form is the "enabled" switch). */
const BOT_FIELDS = [
  { name: "minConfidence", label: "Confidence threshold", hint: "Signals at or above it become orders. 0.7 to 1." },
  { name: "quoteAmount", label: "Order size (USDT)", hint: "Empty: sized by your risk per trade at the signal's stop-loss." },
] as const satisfies ReadonlyArray<{ name: keyof BotFormErrors; label: string; hint: string }>;

/** "42 s", "3 min", "2 h" since `since` (epoch ms). */
export function ageText(now: number, since: number): string {
  const s = Math.max(0, Math.floor((now - since) / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}

export default function SignalsPage(): JSX.Element {
  const live = useLive();
  const api = insightEndpoints(useSession().api);
  const id = createUniqueId();
  const [symbol, setSymbol] = createSignal("BTCUSDT");
  const [analysis, setAnalysis] = createSignal<{ state: "idle" | "loading" | "missing" | "error" | "ready"; value?: Analysis; message?: string; status?: number }>({ state: "idle" });
  const [switches, { mutate }] = createResource(() => api.botSettings());
  const [decisions, { refetch: refetchDecisions }] = createResource(() => api.decisions());
  const [latest, setLatest] = createSignal<SignalFrameUpdate | null>(null);
  const [botErrors, setBotErrors] = createSignal<BotFormErrors>({});
  const [botStatus, setBotStatus] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [savingBot, setSavingBot] = createSignal(false);
  onMount(() => (document.title = "Signals · Bot Core"));

  // The live signal: one channel at a time, the selected symbol's.
  const stopMarket = live.realtime.on("market", ({ updates }) => {
    for (const u of updates) {
      if (u.kind !== "signal" || u.symbol !== symbol()) continue;
      const current = latest();
      if (!current || u.closeTime >= current.closeTime) setLatest(u);
    }
  });
  const stopEvents = live.realtime.on("event", (e) => {
    if (e.type === "bot.decision") void refetchDecisions();
  });
  createEffect(
    on(symbol, (s, previous) => {
      if (previous) live.realtime.unsubscribe([signalsChannel(previous)]);
      setLatest(null);
      setBotErrors({});
      setBotStatus(null);
      live.realtime.subscribe([signalsChannel(s)]);
    }),
  );
  onCleanup(() => {
    stopMarket();
    stopEvents();
    live.realtime.unsubscribe([signalsChannel(symbol())]);
  });

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

  async function saveBot(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const v = { enabled: form.get("enabled") === "on", minConfidence: String(form.get("minConfidence") ?? ""), quoteAmount: String(form.get("quoteAmount") ?? "") };
    const found = validateBotForm(v);
    setBotErrors(found);
    setBotStatus(null);
    if (Object.keys(found).length > 0) return;
    const s = symbol();
    setSavingBot(true);
    try {
      const r = await api.setBotSymbol(s, toBotPatch(v));
      if (r.available) {
        mutate({ available: true, value: r.value });
        setBotStatus({ ok: true, text: `Bot settings for ${s} saved.` });
      } else {
        setBotStatus({ ok: false, text: r.status === 0 ? "Not saved: the server could not be reached." : `Not saved: ${r.message}` });
      }
    } finally {
      setSavingBot(false);
    }
  }

  const settingsBody = () => {
    const r = switches();
    return r?.available ? r.value : undefined;
  };
  const botSymbol = () => botFormValues(parseBotSymbols(settingsBody())[symbol()]);

  return (
    <div class="page">
      <h1>Signals</h1>
      <div class="field">
        <label for={`${id}-symbol`}>Symbol</label>
        <select id={`${id}-symbol`} value={symbol()} onChange={(e) => setSymbol(e.currentTarget.value)}>
          <For each={SYMBOL_NAMES}>{(s) => <option value={s}>{s}</option>}</For>
        </select>
      </div>

      <section class="card pad" aria-labelledby={`${id}-live`}>
        <h2 id={`${id}-live`}>Live signal · {symbol()}</h2>
        <Show
          when={latest()}
          fallback={
            <p class="muted" data-testid="live-signal-waiting">
              Waiting for {symbol()}'s next signal (one per closed 1-minute candle).
            </p>
          }
        >
          {(s) => (
            <div class="analysis" aria-live="polite" data-testid="live-signal">
              <p class="signal" data-signal={s().action.replace(/_/g, "-")}>
                {s().label} · confidence {(s().confidence * 100).toFixed(0)}%
              </p>
              <dl class="kv">
                <dt>Entry</dt>
                <dd class="num">{s().entry}</dd>
                <dt>Stop-loss</dt>
                <dd class="num">{s().stopLoss ?? "—"}</dd>
                <dt>Take-profit</dt>
                <dd class="num">{s().takeProfit ?? "—"}</dd>
                <dt>Risk : reward</dt>
                <dd class="num">{s().riskReward === null ? "—" : s().riskReward?.toFixed(2)}</dd>
                <dt>Model</dt>
                <dd>{s().modelVersion ?? "none (indicators and patterns only)"}</dd>
                <dt>Candle</dt>
                <dd>
                  {s().interval} closed {new Date(s().closeTime + 1).toISOString().slice(11, 16)} UTC
                </dd>
                <dt>Age</dt>
                <dd class="num" data-testid="live-signal-age">
                  {ageText(live.clock(), s().closeTime)}
                </dd>
              </dl>
              <h3>Reasons</h3>
              <ul>
                <For each={s().reasons} fallback={<li class="muted">No reasons given.</li>}>
                  {(r) => (
                    <li>
                      {r.source} {r.name}: {r.detail} ({r.says})
                    </li>
                  )}
                </For>
              </ul>
            </div>
          )}
        </Show>
      </section>

      <section class="card pad" aria-labelledby={`${id}-a`}>
        <h2 id={`${id}-a`}>Analysis</h2>
        <form class="inline-form" onSubmit={(e) => void analyze(e)}>
          <p class="small muted">A fresh analysis of {symbol()} on demand.</p>
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
                  <>
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
                    <h3 id={`${id}-botform`}>Bot settings · {symbol()}</h3>
                    <form class="settings-form" novalidate aria-labelledby={`${id}-botform`} onSubmit={(e) => void saveBot(e)}>
                      <label class="check">
                        <input type="checkbox" name="enabled" checked={botSymbol().enabled} /> Trade {symbol()} signals automatically
                      </label>
                      <For each={BOT_FIELDS}>
                        {(f) => <TextField idPrefix={id} name={f.name} label={f.label} autocomplete="off" value={botSymbol()[f.name]} hint={f.hint} error={botErrors()[f.name]} />}
                      </For>
                      <Show when={botStatus()}>
                        {(st) => (
                          <p class={st().ok ? "confirmation" : "alert"} role={st().ok ? "status" : "alert"}>
                            {st().text}
                          </p>
                        )}
                      </Show>
                      <button class="button primary" type="submit" disabled={savingBot()}>
                        {savingBot() ? "Saving…" : "Save bot settings"}
                      </button>
                    </form>
                  </>
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
