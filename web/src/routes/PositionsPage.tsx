/** Positions and working orders: close a position, cancel an order, modify stops and targets. */
import { createSignal, For, onMount, Show, type JSX } from "solid-js";
import { OrderRow } from "../components/OrderRow";
import { PositionsTable } from "../components/PositionsTable";
import { Skeleton } from "../components/Skeleton";
import { StaleMark } from "../components/StaleMark";
import { ApiError } from "../lib/api";
import { useLive } from "../lib/live";
import { rejectionText } from "../lib/place";
import { newIdempotencyKey } from "../lib/trading-api";
import type { ListedOrder } from "../stores/orders";

export default function PositionsPage(): JSX.Element {
  const live = useLive();
  const [closing, setClosing] = createSignal<ReadonlySet<string>>(new Set());
  const [message, setMessage] = createSignal<{ kind: "ok" | "error"; text: string } | null>(null);
  onMount(() => (document.title = "Positions · Bot Core"));

  async function close(symbol: string): Promise<void> {
    setClosing((s) => new Set([...s, symbol]));
    setMessage(null);
    try {
      const order = await live.trading.closePosition(symbol, newIdempotencyKey());
      setMessage({ kind: "ok", text: `Closed ${symbol}: ${order.filledQuantity} at ${order.avgPrice ?? "market"}.` });
      // Optimistically drop the row; the refresh confirms.
      live.account.set((a) => (a ? { ...a, positions: a.positions.filter((p) => p.symbol !== symbol) } : (a as never)));
    } catch (err) {
      setMessage({ kind: "error", text: err instanceof ApiError ? `Could not close ${symbol}: ${rejectionText(err)}` : `Could not close ${symbol}.` });
    } finally {
      setClosing((s) => new Set([...s].filter((x) => x !== symbol)));
      void live.account.refresh();
      void live.orders.refresh();
    }
  }

  async function cancel(o: ListedOrder): Promise<void> {
    try {
      await live.trading.cancelOrder(o.orderId);
      live.book.removeWorking(o.orderId);
      setMessage({ kind: "ok", text: `Canceled the ${o.symbol} order.` });
    } catch (err) {
      throw new Error(err instanceof ApiError ? rejectionText(err) : "Could not cancel the order.");
    } finally {
      void live.orders.refresh();
      void live.account.refresh();
    }
  }

  async function modify(o: ListedOrder, patch: { stopPrice?: string; callbackRatePct?: string }): Promise<void> {
    try {
      const updated = await live.trading.amendOrder(o.orderId, patch);
      live.book.replaceWorking(updated);
      setMessage({ kind: "ok", text: `Moved the ${o.symbol} ${o.type.replace(/_/g, " ")} to ${updated.stopPrice ?? `${updated.callbackRatePct}%`}.` });
    } catch (err) {
      throw new Error(err instanceof ApiError ? rejectionText(err) : "Could not modify the order.");
    }
  }

  return (
    <div class="page">
      <div class="page-head">
        <h1>Positions and orders</h1>
        <StaleMark stale={live.account.stale(live.clock())} updatedAt={live.account.updatedAt()} now={live.clock()} what="Account" />
      </div>
      <p class={message()?.kind === "error" ? "alert" : "confirmation"} role={message()?.kind === "error" ? "alert" : "status"} data-testid="positions-message">
        {message()?.text ?? ""}
      </p>
      <section class="card pad" aria-labelledby="pos-h">
        <h2 id="pos-h">Positions</h2>
        <Show when={live.account.value()} fallback={<Skeleton lines={2} label="Loading positions…" />}>
          {(a) => <PositionsTable positions={a().positions} quotes={live.prices.quotes} onClose={(s) => void close(s)} closing={(s) => closing().has(s)} />}
        </Show>
      </section>
      <section class="card pad" aria-labelledby="orders-h">
        <h2 id="orders-h">Working orders</h2>
        <Show when={live.orders.value()} fallback={<Skeleton lines={2} label="Loading orders…" />}>
          <Show when={live.book.working().length > 0} fallback={<p class="muted empty">No working orders.</p>}>
            <div class="table-wrap">
              <table class="table">
                <caption class="sr-only">Working orders, with stops and targets</caption>
                <thead>
                  <tr>
                    <th scope="col">Symbol</th>
                    <th scope="col">Type</th>
                    <th scope="col">Side</th>
                    <th scope="col" class="num">Quantity</th>
                    <th scope="col" class="num">Price / trigger</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={live.book.working()}>{(o) => <OrderRow order={o} onCancel={cancel} onModify={modify} />}</For>
                </tbody>
              </table>
            </div>
          </Show>
        </Show>
      </section>
    </div>
  );
}
