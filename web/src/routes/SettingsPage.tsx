/**
 * Settings: the risk settings (GET/PUT /api/trading/settings) and the exchange API keys for live
 * trading — write-only: the form sends them and clears itself; nothing is ever read back.
 */
import { createResource, createSignal, createUniqueId, onMount, Show, type JSX } from "solid-js";
import type { RiskSettings } from "@bot-core/core";
import { TextField } from "../components/TextField";
import { NotAvailable } from "../components/NotAvailable";
import { Skeleton } from "../components/Skeleton";
import { ApiError } from "../lib/api";
import { insightEndpoints } from "../lib/insights-api";
import { useLive } from "../lib/live";
import { useSession } from "../lib/session";

const PCT_RE = /^\d{1,3}(\.\d{1,4})?$/;

/** Checks the form against the server's ranges (core's RiskSettings); messages per field. */
export function validateSettings(v: { leverage: string; maxOpenPositions: string; riskPerTradePct: string; dailyLossLimitPct: string }, maxLeverage = 125) {
  const errors: Partial<Record<keyof typeof v, string>> = {};
  const int = (s: string) => (/^\d{1,3}$/.test(s) ? Number(s) : NaN);
  const lev = int(v.leverage);
  if (!(lev >= 1 && lev <= maxLeverage)) errors.leverage = `Leverage is a whole number from 1 to ${maxLeverage}.`;
  const maxPos = int(v.maxOpenPositions);
  if (!(maxPos >= 1 && maxPos <= 50)) errors.maxOpenPositions = "Between 1 and 50 positions.";
  if (!PCT_RE.test(v.riskPerTradePct) || Number(v.riskPerTradePct) < 0.1 || Number(v.riskPerTradePct) > 10) errors.riskPerTradePct = "Between 0.1 and 10 percent.";
  if (!PCT_RE.test(v.dailyLossLimitPct) || Number(v.dailyLossLimitPct) < 0.5 || Number(v.dailyLossLimitPct) > 50) errors.dailyLossLimitPct = "Between 0.5 and 50 percent.";
  return errors;
}

export default function SettingsPage(): JSX.Element {
  const live = useLive();
  const insights = insightEndpoints(useSession().api);
  const id = createUniqueId();
  const [settings, { mutate }] = createResource(() => live.trading.settings().catch(() => null));
  const [errors, setErrors] = createSignal<ReturnType<typeof validateSettings>>({});
  const [saving, setSaving] = createSignal(false);
  const [saved, setSaved] = createSignal<string | null>(null);
  const [keyState, setKeyState] = createSignal<{ kind: "idle" | "saving" | "saved" | "missing" | "error"; message?: string; status?: number }>({ kind: "idle" });
  onMount(() => (document.title = "Settings · Bot Core"));

  async function save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const v = {
      leverage: String(form.get("leverage") ?? ""),
      maxOpenPositions: String(form.get("maxOpenPositions") ?? ""),
      riskPerTradePct: String(form.get("riskPerTradePct") ?? "").trim(),
      dailyLossLimitPct: String(form.get("dailyLossLimitPct") ?? "").trim(),
    };
    const found = validateSettings(v, live.account.value()?.maxLeverage ?? 125);
    setErrors(found);
    setSaved(null);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      const next = await live.trading.updateSettings({
        tradingEnabled: form.get("tradingEnabled") === "on",
        leverage: Number(v.leverage),
        maxOpenPositions: Number(v.maxOpenPositions),
        riskPerTradePct: v.riskPerTradePct,
        dailyLossLimitPct: v.dailyLossLimitPct,
      } satisfies RiskSettings);
      mutate(next);
      setSaved("Risk settings saved.");
      void live.account.refresh();
    } catch (err) {
      setSaved(err instanceof ApiError ? `Not saved: ${err.message}` : "Not saved.");
    } finally {
      setSaving(false);
    }
  }

  async function saveKeys(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const el = e.currentTarget as HTMLFormElement;
    const form = new FormData(el);
    const apiKey = String(form.get("apiKey") ?? "").trim();
    const apiSecret = String(form.get("apiSecret") ?? "").trim();
    if (!/^[A-Za-z0-9]{16,128}$/.test(apiKey) || !/^[A-Za-z0-9]{16,128}$/.test(apiSecret)) {
      setKeyState({ kind: "error", message: "API key and secret are 16-128 letters and digits, as the exchange shows them." });
      return;
    }
    setKeyState({ kind: "saving" });
    try {
      const r = await insights.saveExchangeKeys({ venue: form.get("venue") === "binance-usdm" ? "binance-usdm" : "binance-spot", apiKey, apiSecret, testnet: form.get("testnet") === "on" });
      if (r.available) setKeyState({ kind: "saved", message: "Keys stored. They cannot be shown again; to change them, enter new ones." });
      else if (r.status === 404 || r.status === 501) setKeyState({ kind: "missing", status: r.status });
      else setKeyState({ kind: "error", message: `The keys were not saved: ${r.message}` });
    } catch (err) {
      setKeyState({ kind: "error", message: err instanceof ApiError ? err.message : "The keys were not saved." });
    } finally {
      // Write-only: the secret never stays in the page.
      el.reset();
    }
  }

  const numField = (name: "leverage" | "maxOpenPositions" | "riskPerTradePct" | "dailyLossLimitPct", label: string, value: string, hint: string) => (
    <TextField idPrefix={id} name={name} label={label} value={value} hint={hint} error={errors()[name]} />
  );

  return (
    <div class="page">
      <h1>Settings</h1>
      <section class="card pad" aria-labelledby={`${id}-risk`}>
        <h2 id={`${id}-risk`}>Risk</h2>
        <Show when={settings()} fallback={settings() === null ? <p class="alert" role="alert">Could not load the settings.</p> : <Skeleton lines={4} label="Loading settings…" />}>
          {(s) => (
            <form class="settings-form" novalidate onSubmit={(e) => void save(e)}>
              <label class="check">
                <input type="checkbox" name="tradingEnabled" checked={s().tradingEnabled} /> Trading enabled (new entries allowed)
              </label>
              {numField("leverage", "Leverage", String(s().leverage), `1 to ${live.account.value()?.maxLeverage ?? "the account's maximum"}.`)}
              {numField("maxOpenPositions", "Maximum open positions", String(s().maxOpenPositions), "1 to 50.")}
              {numField("riskPerTradePct", "Risk per trade (% of equity)", s().riskPerTradePct, "Sizes orders placed with a stop-loss and no quantity. 0.1 to 10.")}
              {numField("dailyLossLimitPct", "Daily loss limit (% of wallet)", s().dailyLossLimitPct, "New entries stop for the UTC day when reached. 0.5 to 50.")}
              <p role="status" class="confirmation">
                {saved() ?? ""}
              </p>
              <button class="button primary" type="submit" disabled={saving()}>
                {saving() ? "Saving…" : "Save risk settings"}
              </button>
            </form>
          )}
        </Show>
      </section>

      <section class="card pad" aria-labelledby={`${id}-keys`}>
        <h2 id={`${id}-keys`}>Exchange API keys</h2>
        <p class="small muted">For live trading. Write-only: keys are sent once, stored encrypted, and never shown again. Use a key without withdrawal rights.</p>
        <form class="settings-form" autocomplete="off" onSubmit={(e) => void saveKeys(e)}>
          <div class="field">
            <label for={`${id}-venue`}>Venue</label>
            <select id={`${id}-venue`} name="venue">
              <option value="binance-spot">Binance spot</option>
              <option value="binance-usdm">Binance USD-M futures</option>
            </select>
          </div>
          <div class="field">
            <label for={`${id}-apiKey`}>API key</label>
            <input id={`${id}-apiKey`} name="apiKey" autocomplete="off" spellcheck={false} />
          </div>
          <div class="field">
            <label for={`${id}-apiSecret`}>API secret</label>
            <input id={`${id}-apiSecret`} name="apiSecret" type="password" autocomplete="new-password" />
          </div>
          <label class="check">
            <input type="checkbox" name="testnet" checked /> Testnet
          </label>
          <Show when={keyState().kind === "missing"}>
            <NotAvailable what="Storing exchange keys" endpoint="PUT /api/exchange/keys" status={keyState().status} />
          </Show>
          <Show when={keyState().kind === "error" || keyState().kind === "saved"}>
            <p class={keyState().kind === "error" ? "alert" : "confirmation"} role={keyState().kind === "error" ? "alert" : "status"}>
              {keyState().message}
            </p>
          </Show>
          <button class="button primary" type="submit" disabled={keyState().kind === "saving"}>
            {keyState().kind === "saving" ? "Saving…" : "Save keys"}
          </button>
        </form>
      </section>
    </div>
  );
}
