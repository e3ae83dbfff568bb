/**
 * Working orders: the server's list (polled, or pushed by a private stream later) plus the
 * orders this tab is placing right now, shown at once and rolled back if the server refuses.
 *
 * @example
 * const pending = orders.addOptimistic({ ...draft, orderId: "pending-1" });
 * try { orders.confirm(pending, await trading.placeOrder(...)); } catch { orders.rollback(pending); }
 */
import { createMemo, createSignal, type Accessor } from "solid-js";
import type { Polled } from "../lib/poll";
import type { OrderView } from "../lib/trading-api";

export type OptimisticOrder = OrderView & { pending: true };
export type ListedOrder = OrderView | OptimisticOrder;

export interface OrderBook {
  /** Pending placements first, then the server's working orders. */
  readonly working: Accessor<ListedOrder[]>;
  /** Orders placed (or refused) from this tab in this session, newest first. */
  readonly recent: Accessor<ListedOrder[]>;
  addOptimistic(order: OrderView): OptimisticOrder;
  confirm(pending: OptimisticOrder, order: OrderView): void;
  rollback(pending: OptimisticOrder): void;
  /** Removes a canceled order from the list at once (the next poll agrees). */
  removeWorking(orderId: string): void;
  replaceWorking(order: OrderView): void;
}

export const isPending = (o: ListedOrder): o is OptimisticOrder => "pending" in o && o.pending === true;

const WORKING = new Set(["pending_new", "pending_trigger", "open", "partially_filled"]);

export function createOrderBook(server: Polled<{ orders: OrderView[] }>): OrderBook {
  const [pending, setPending] = createSignal<OptimisticOrder[]>([]);
  const [recent, setRecent] = createSignal<ListedOrder[]>([]);
  const working = createMemo<ListedOrder[]>(() => [...pending(), ...(server.value()?.orders ?? []).filter((o) => WORKING.has(o.status))]);
  const setServer = (fn: (orders: OrderView[]) => OrderView[]) => server.set((prev) => ({ orders: fn(prev?.orders ?? []) }));

  return {
    working,
    recent,
    addOptimistic(order) {
      const p: OptimisticOrder = { ...order, pending: true };
      setPending((list) => [p, ...list]);
      setRecent((list) => [p, ...list].slice(0, 20));
      return p;
    },
    confirm(p, order) {
      setPending((list) => list.filter((o) => o !== p));
      setRecent((list) => list.map((o) => (o === p ? order : o)));
      if (WORKING.has(order.status)) setServer((orders) => [order, ...orders.filter((o) => o.orderId !== order.orderId)]);
    },
    rollback(p) {
      setPending((list) => list.filter((o) => o !== p));
      setRecent((list) => list.filter((o) => o !== p));
    },
    removeWorking(orderId) {
      setServer((orders) => orders.filter((o) => o.orderId !== orderId));
    },
    replaceWorking(order) {
      setServer((orders) => orders.map((o) => (o.orderId === order.orderId ? order : o)));
    },
  };
}
