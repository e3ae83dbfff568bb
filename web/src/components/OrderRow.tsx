/**
 * One working order: what it is, and its actions: cancel, and for stops, targets and trailing
 * stops an inline editor of the trigger price (PATCH stopPrice / callbackRatePct).
 */
import { createSignal, createUniqueId, Show, type JSX } from "solid-js";
import { isPending, type ListedOrder } from "../stores/orders";

export const ORDER_TYPE_LABELS: Record<string, string> = {
  market: "Market",
  limit: "Limit",
  stop_market: "Stop",
  stop_limit: "Stop-limit",
  take_profit_market: "Take-profit",
  trailing_stop_market: "Trailing stop",
};

/** Stop-loss, take-profit or trailing stop: what "modify stops and targets" edits. */
export const isProtective = (o: ListedOrder) =>
  o.parentOrderId !== null || o.type === "take_profit_market" || o.type === "trailing_stop_market" || (o.type === "stop_market" && o.reduceOnly);

const POSITIVE_RE = /^(0|[1-9]\d{0,17})(\.\d{1,8})?$/;

export interface OrderRowProps {
  order: ListedOrder;
  onCancel(order: ListedOrder): Promise<void>;
  onModify(order: ListedOrder, patch: { stopPrice?: string; callbackRatePct?: string }): Promise<void>;
}

export function OrderRow(props: OrderRowProps): JSX.Element {
  const id = createUniqueId();
  const o = () => props.order;
  const trailing = () => o().type === "trailing_stop_market";
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const label = () => `${ORDER_TYPE_LABELS[o().type] ?? o().type} ${o().side} ${o().symbol}`;

  function startEdit(): void {
    setDraft((trailing() ? o().callbackRatePct : o().stopPrice) ?? "");
    setError(null);
    setEditing(true);
    queueMicrotask(() => document.getElementById(`${id}-edit`)?.focus());
  }

  async function save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = draft().trim();
    if (!POSITIVE_RE.test(v) || !/[1-9]/.test(v)) {
      setError(trailing() ? "Enter a percentage between 0.1 and 10." : "Enter a positive price, like 61500.5.");
      return;
    }
    setBusy(true);
    try {
      await props.onModify(o(), trailing() ? { callbackRatePct: v } : { stopPrice: v });
      setEditing(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not modify the order.");
    } finally {
      setBusy(false);
    }
  }

  async function cancel(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await props.onCancel(o());
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not cancel the order.");
      setBusy(false);
    }
  }

  return (
    <tr data-testid={`order-${o().orderId}`} data-type={o().type}>
      <th scope="row">{o().symbol}</th>
      <td>{ORDER_TYPE_LABELS[o().type] ?? o().type}</td>
      <td>
        <span class="side" data-side={o().side === "buy" ? "long" : "short"}>
          {o().side}
        </span>
      </td>
      <td class="num">{o().quantity}</td>
      <td class="num">
        <Show
          when={editing()}
          fallback={
            <span data-testid="order-trigger">{trailing() ? `${o().callbackRatePct ?? "—"}%` : (o().stopPrice ?? o().price ?? "market")}</span>
          }
        >
          <form class="inline-edit" onSubmit={(e) => void save(e)}>
            <label class="sr-only" for={`${id}-edit`}>
              {trailing() ? "Trailing distance (%)" : "Trigger price"} of {label()}
            </label>
            <input id={`${id}-edit`} inputmode="decimal" value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} aria-invalid={error() ? "true" : undefined} />
            <button class="button small" type="submit" disabled={busy()}>
              Save
            </button>
            <button class="button small" type="button" onClick={() => setEditing(false)}>
              Cancel edit
            </button>
          </form>
        </Show>
        <Show when={error()}>
          {(m) => (
            <p class="field-error" role="alert">
              {m()}
            </p>
          )}
        </Show>
      </td>
      <td>{isPending(o()) ? "placing…" : o().status.replace("_", " ")}</td>
      <td class="actions">
        <Show when={!isPending(o())}>
          <Show when={isProtective(o()) && !editing()}>
            <button class="button small" type="button" onClick={startEdit} aria-label={`Modify ${label()}`}>
              Modify
            </button>
          </Show>
          <button class="button small" type="button" disabled={busy()} onClick={() => void cancel()} aria-label={`Cancel ${label()}`}>
            Cancel
          </button>
        </Show>
      </td>
    </tr>
  );
}
