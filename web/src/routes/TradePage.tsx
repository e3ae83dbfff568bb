/**
 * Trade: the order ticket (market, limit, stop-market, stop-limit; attached stop-loss,
 * take-profit, trailing stop), a live risk preview from /api/risk/calculate with the size the
 * risk settings suggest, and optimistic placement with rollback and the server's reason.
 */
import { createEffect, createSignal, createUniqueId, For, on, onCleanup, onMount, Show, type JSX } from "solid-js";
import type { PlaceableOrderType } from "@bot-core/core";
import { ORDER_TYPES, SYMBOL_NAMES, TIME_IN_FORCE } from "../lib/instruments";
import { TextField } from "../components/TextField";
import { PriceDisplay } from "../components/PriceDisplay";
import { ApiError } from "../lib/api";
import { useLive } from "../lib/live";
import { EMPTY_TICKET, needsPrice, needsStop, toOrder, toRiskRequest, validateTicket, type TicketErrors, type TicketField, type TicketValues } from "../lib/order-form";
import { placeOptimistically, rejectionText } from "../lib/place";
import { fixed } from "../lib/pnl";
import type { RiskReport } from "../lib/trading-api";
import { isPending } from "../stores/orders";
import type { Channel } from "@bot-core/core";
import type { PageProps } from "./Shell";

const TYPE_LABELS: Record<PlaceableOrderType, string> = {
  market: "Market",
  limit: "Limit",
  stop_market: "Stop (market)",
  stop_limit: "Stop (limit)",
};

export default function TradePage(_props: PageProps): JSX.Element {
  const live = useLive();
  const id = createUniqueId();
  const initialSymbol = new URLSearchParams(location.search).get("symbol");
  const [values, setValues] = createSignal<TicketValues>({
    ...EMPTY_TICKET,
    symbol: initialSymbol && SYMBOL_NAMES.includes(initialSymbol) ? initialSymbol : EMPTY_TICKET.symbol,
  });
  const [errors, setErrors] = createSignal<TicketErrors>({});
  const [attempted, setAttempted] = createSignal(false);
  const [report, setReport] = createSignal<RiskReport | null>(null);
  const [riskError, setRiskError] = createSignal<string | null>(null);
  const [placing, setPlacing] = createSignal(false);
  const [rejection, setRejection] = createSignal<{ title: string; rules: Array<{ rule: string; message: string }>; text: string } | null>(null);
  const [confirmation, setConfirmation] = createSignal<string | null>(null);

  onMount(() => (document.title = "Trade · Bot Core"));
  createEffect(() => live.watch([`ticker:${values().symbol}` as Channel]));

  const set = <K extends keyof TicketValues>(field: K, value: TicketValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    if (attempted()) setErrors(validateTicket(values()));
  };

  // Live risk preview: debounced, the previous request aborted when the ticket changes.
  let controller: AbortController | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(values, (v) => {
      clearTimeout(debounce);
      controller?.abort();
      const req = toRiskRequest(v);
      if (!req) {
        setReport(null);
        return;
      }
      debounce = setTimeout(() => {
        controller = new AbortController();
        const signal = controller.signal;
        live.trading
          .calculateRisk(req, signal)
          .then((r) => {
            if (signal.aborted) return;
            setReport(r);
            setRiskError(null);
          })
          .catch((err: unknown) => {
            if (signal.aborted) return;
            setReport(null);
            setRiskError(err instanceof ApiError ? err.message : "The risk preview is not available right now.");
          });
      }, 300);
    }),
  );
  onCleanup(() => {
    clearTimeout(debounce);
    controller?.abort();
  });

  async function submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (placing()) return;
    setAttempted(true);
    const found = validateTicket(values());
    setErrors(found);
    setRejection(null);
    setConfirmation(null);
    const first = (Object.keys(found) as TicketField[])[0];
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setPlacing(true);
    const order = toOrder(values());
    const outcome = await placeOptimistically(live.trading, live.book, order);
    setPlacing(false);
    if (outcome.ok) {
      const o = outcome.order;
      setConfirmation(
        o.status === "filled"
          ? `${o.side === "buy" ? "Bought" : "Sold"} ${o.filledQuantity} ${o.symbol} at ${o.avgPrice ?? "market"}.`
          : `${TYPE_LABELS[o.type as PlaceableOrderType] ?? o.type} order ${o.status.replace("_", " ")}: ${o.quantity} ${o.symbol}.`,
      );
      void live.account.refresh();
      void live.orders.refresh();
    } else {
      const err = outcome.error;
      setRejection({ title: err.status === 422 ? "Order rejected" : "Order not placed", rules: err.violations, text: rejectionText(err) });
    }
  }

  const field = (name: TicketField, label: string, opts: { hint?: string } = {}) => (
    <TextField idPrefix={id} name={name} label={label} autocomplete="off" value={values()[name]} hint={opts.hint} error={errors()[name]} onInput={(v) => set(name, v)} />
  );

  return (
    <div class="page">
      <h1>Trade</h1>
      <div class="trade-grid">
        <form class="card pad ticket" aria-labelledby={`${id}-h`} aria-busy={placing()} novalidate onSubmit={(e) => void submit(e)}>
          <h2 id={`${id}-h`}>Order ticket</h2>
          <div class="field">
            <label for={`${id}-symbol`}>Symbol</label>
            <select id={`${id}-symbol`} value={values().symbol} onChange={(e) => set("symbol", e.currentTarget.value)}>
              <For each={SYMBOL_NAMES}>{(s) => <option value={s}>{s}</option>}</For>
            </select>
          </div>
          <fieldset class="segmented">
            <legend>Side</legend>
            <For each={["buy", "sell"] as const}>
              {(side) => (
                <label class="segment" data-side={side}>
                  <input type="radio" name={`${id}-side`} value={side} checked={values().side === side} onChange={() => set("side", side)} />
                  <span>{side === "buy" ? "Buy / long" : "Sell / short"}</span>
                </label>
              )}
            </For>
          </fieldset>
          <div class="field">
            <label for={`${id}-type`}>Order type</label>
            <select id={`${id}-type`} value={values().type} onChange={(e) => set("type", e.currentTarget.value as PlaceableOrderType)}>
              <For each={ORDER_TYPES}>{(t) => <option value={t}>{TYPE_LABELS[t]}</option>}</For>
            </select>
          </div>
          {field("quantity", `Quantity (${values().symbol.replace(/USDT$/, "")})`, { hint: "Leave empty with a stop-loss to size by your risk per trade." })}
          <Show when={needsStop(values().type)}>{field("stopPrice", "Trigger price (USDT)")}</Show>
          <Show when={needsPrice(values().type)}>
            {field("price", "Limit price (USDT)")}
            <div class="field">
              <label for={`${id}-tif`}>Time in force</label>
              <select id={`${id}-tif`} value={values().timeInForce} onChange={(e) => set("timeInForce", e.currentTarget.value as TicketValues["timeInForce"])}>
                <For each={TIME_IN_FORCE}>{(t) => <option value={t}>{t}</option>}</For>
              </select>
            </div>
          </Show>
          <fieldset class="brackets">
            <legend>Protection (optional)</legend>
            {field("stopLoss", "Stop-loss (USDT)")}
            {field("takeProfit", "Take-profit (USDT)")}
            {field("trailingPct", "Trailing stop (%)", { hint: "0.1 to 10 percent from the best price reached." })}
          </fieldset>

          <Show when={rejection()}>
            {(r) => (
              <div class="alert" role="alert" data-testid="order-rejection">
                <strong>{r().title}.</strong>
                <Show when={r().rules.length > 0} fallback={<p>{r().text}</p>}>
                  <ul class="rules">
                    <For each={r().rules}>
                      {(v) => (
                        <li>
                          <code class="rule">{v.rule}</code> {v.message}
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </div>
            )}
          </Show>
          <p class="confirmation" role="status" data-testid="order-confirmation">
            {confirmation() ?? ""}
          </p>
          <button class="button primary" type="submit" disabled={placing()} data-side={values().side}>
            {placing() ? "Placing…" : `${values().side === "buy" ? "Buy" : "Sell"} ${values().symbol}`}
          </button>
        </form>

        <div class="side-col">
          <PriceDisplay symbol={values().symbol} quotes={live.prices.quotes} now={live.clock()} />
          <section class="card pad" aria-labelledby={`${id}-risk`} aria-live="polite" data-testid="risk-preview">
            <h2 id={`${id}-risk`}>Risk preview</h2>
            <Show when={report()} fallback={<p class="muted">{riskError() ?? "Enter a quantity or a stop-loss to see the risk."}</p>}>
              {(r) => (
                <>
                  <dl class="kv">
                    <dt>Entry</dt>
                    <dd class="num">{r().entryPrice}</dd>
                    <dt>Quantity</dt>
                    <dd class="num">{r().quantity}</dd>
                    <dt>Suggested size</dt>
                    <dd class="num" data-testid="suggested-size">
                      {r().suggestedQuantity ?? "— (add a stop-loss)"}
                      <Show when={r().suggestedQuantity && r().suggestedQuantity !== "0"}>
                        {" "}
                        <button class="link" type="button" onClick={() => set("quantity", r().suggestedQuantity ?? "")}>
                          Use
                        </button>
                      </Show>
                    </dd>
                    <dt>Notional</dt>
                    <dd class="num">{fixed(r().notional)} USDT</dd>
                    <dt>Margin</dt>
                    <dd class="num">{fixed(r().requiredMargin)} USDT</dd>
                    <dt>Fee (est.)</dt>
                    <dd class="num">{fixed(r().estimatedFee, 4)} USDT</dd>
                    <dt>Risk at the stop</dt>
                    <dd class="num">
                      {fixed(r().positionRisk)} USDT ({r().positionRiskPct}%)
                    </dd>
                    <dt>Total open risk</dt>
                    <dd class="num">
                      {fixed(r().totalRisk)} USDT ({r().totalRiskPct}%)
                    </dd>
                    <dt>Risk : reward</dt>
                    <dd class="num">{r().riskReward ?? "—"}</dd>
                  </dl>
                  <ul class="checks" aria-label="Risk checks">
                    <For each={r().checks}>
                      {(c) => (
                        <li data-passed={c.passed}>
                          <span aria-hidden="true">{c.passed ? "✓" : "✗"}</span>
                          <span class="sr-only">{c.passed ? "passed" : "failed"}</span> <code class="rule">{c.rule}</code> {c.message}
                        </li>
                      )}
                    </For>
                  </ul>
                </>
              )}
            </Show>
          </section>
          <section class="card pad" aria-labelledby={`${id}-recent`}>
            <h2 id={`${id}-recent`}>This session's orders</h2>
            <Show when={live.book.recent().length > 0} fallback={<p class="muted">None yet.</p>}>
              <ul class="recent">
                <For each={live.book.recent()}>
                  {(o) => (
                    <li data-pending={isPending(o)}>
                      <span class="side" data-side={o.side === "buy" ? "long" : "short"}>
                        {o.side}
                      </span>{" "}
                      {o.quantity} {o.symbol} · {TYPE_LABELS[o.type as PlaceableOrderType] ?? o.type} · {isPending(o) ? "placing…" : o.status.replace("_", " ")}
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </section>
        </div>
      </div>
    </div>
  );
}

