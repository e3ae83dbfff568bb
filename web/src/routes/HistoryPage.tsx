/**
 * History: every trade, newest first, in a virtualized list (only the visible rows are in the
 * DOM, so thousands of trades scroll smoothly), loaded page by page with the cursor as you
 * scroll; filters by symbol and UTC dates; CSV export.
 */
import { createVirtualizer } from "@tanstack/solid-virtual";
import { createEffect, createSignal, createUniqueId, For, onMount, Show, type JSX } from "solid-js";
import { SYMBOL_NAMES } from "../lib/instruments";
import { Pnl } from "../components/Pnl";
import { Skeleton } from "../components/Skeleton";
import { download, toCsv } from "../lib/csv";
import { useLive } from "../lib/live";
import type { HistoryFilter, TradeView } from "../lib/trading-api";
import { createHistoryList } from "../stores/history";

/** Row height; the stylesheet gives `.vspace .vrow` the same (no inline style: strict CSP). */
const ROW_PX = 44;

export const TRADE_COLUMNS = [
  { header: "time", value: (t: TradeView) => t.time },
  { header: "symbol", value: (t: TradeView) => t.symbol },
  { header: "side", value: (t: TradeView) => t.side },
  { header: "quantity", value: (t: TradeView) => t.quantity },
  { header: "price", value: (t: TradeView) => t.price },
  { header: "fee", value: (t: TradeView) => t.fee },
  { header: "realizedPnl", value: (t: TradeView) => t.realizedPnl },
  { header: "orderId", value: (t: TradeView) => t.orderId },
  { header: "tradeId", value: (t: TradeView) => t.tradeId },
] as const;

/** A yyyy-mm-dd date input as epoch ms (UTC start of day, or end of day for `to`). */
export function dateToMs(value: string, end: boolean): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const t = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isFinite(t) ? t + (end ? 86_400_000 - 1 : 0) : undefined;
}

export default function HistoryPage(): JSX.Element {
  const live = useLive();
  const id = createUniqueId();
  const list = createHistoryList(live.trading);
  const [symbol, setSymbol] = createSignal("");
  const [from, setFrom] = createSignal("");
  const [to, setTo] = createSignal("");
  const [exporting, setExporting] = createSignal(false);
  let scroller: HTMLDivElement | undefined;

  onMount(() => {
    document.title = "History · Bot Core";
    void list.reset({});
  });

  function apply(e: SubmitEvent): void {
    e.preventDefault();
    const f: HistoryFilter = {};
    if (symbol()) f.symbol = symbol();
    const a = dateToMs(from(), false);
    const b = dateToMs(to(), true);
    if (a !== undefined) f.from = a;
    if (b !== undefined) f.to = b;
    scroller?.scrollTo({ top: 0 });
    void list.reset(f);
  }

  const virtualizer = createVirtualizer({
    get count() {
      return list.trades().length;
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => ROW_PX,
    overscan: 10,
  });

  // Near the end of what is loaded: fetch the next page.
  createEffect(() => {
    const items = virtualizer.getVirtualItems();
    const last = items[items.length - 1];
    if (last && last.index >= list.trades().length - 10 && !list.done() && !list.loading()) void list.loadMore();
  });

  async function exportCsv(): Promise<void> {
    setExporting(true);
    try {
      await list.loadAll();
      download(`bot-core-trades-${new Date().toISOString().slice(0, 10)}.csv`, toCsv(TRADE_COLUMNS, list.trades()));
    } finally {
      setExporting(false);
    }
  }

  return (
    <div class="page">
      <h1>History</h1>
      <form class="card pad filters" aria-label="Filter trades" onSubmit={apply}>
        <div class="field">
          <label for={`${id}-symbol`}>Symbol</label>
          <select id={`${id}-symbol`} value={symbol()} onChange={(e) => setSymbol(e.currentTarget.value)}>
            <option value="">All symbols</option>
            <For each={SYMBOL_NAMES}>{(s) => <option value={s}>{s}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for={`${id}-from`}>From (UTC)</label>
          <input id={`${id}-from`} type="date" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${id}-to`}>To (UTC)</label>
          <input id={`${id}-to`} type="date" value={to()} onInput={(e) => setTo(e.currentTarget.value)} />
        </div>
        <div class="filter-actions">
          <button class="button" type="submit">
            Apply filters
          </button>
          <button class="button" type="button" disabled={exporting() || list.trades().length === 0} onClick={() => void exportCsv()}>
            {exporting() ? "Exporting…" : "Export CSV"}
          </button>
        </div>
      </form>

      <section class="card history" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`} class="sr-only">
          Trades
        </h2>
        <Show when={list.error()}>
          {(m) => (
            <p class="alert" role="alert">
              {m()}
            </p>
          )}
        </Show>
        <div role="table" aria-label="Trades, newest first" aria-rowcount={list.done() ? list.trades().length + 1 : -1} class="vtable">
          <div role="rowgroup">
            <div role="row" class="vrow vhead" aria-rowindex={1}>
              <span role="columnheader">Time (UTC)</span>
              <span role="columnheader">Symbol</span>
              <span role="columnheader">Side</span>
              <span role="columnheader" class="num">
                Quantity
              </span>
              <span role="columnheader" class="num">
                Price
              </span>
              <span role="columnheader" class="num">
                Fee
              </span>
              <span role="columnheader" class="num">
                PnL
              </span>
            </div>
          </div>
          <div class="vscroll" ref={scroller} tabindex="0" role="rowgroup" aria-label="Trade rows (scrollable)">
            <Show when={list.trades().length > 0 || !list.loading()} fallback={<Skeleton lines={5} label="Loading trades…" />}>
              <Show when={list.trades().length > 0} fallback={<p class="muted empty">No trades match.</p>}>
                <div class="vspace" style={{ height: `${virtualizer.getTotalSize()}px` }}>
                  <For each={virtualizer.getVirtualItems()}>
                    {(item) => {
                      const t = () => list.trades()[item.index];
                      return (
                        <Show when={t()}>
                          {(trade) => (
                            <div role="row" class="vrow" aria-rowindex={item.index + 2} data-testid="history-row" style={{ transform: `translateY(${item.start}px)` }}>
                              <span role="cell">{trade().time.replace("T", " ").slice(0, 19)}</span>
                              <span role="cell">{trade().symbol}</span>
                              <span role="cell">{trade().side}</span>
                              <span role="cell" class="num">
                                {trade().quantity}
                              </span>
                              <span role="cell" class="num">
                                {trade().price}
                              </span>
                              <span role="cell" class="num">
                                {trade().fee}
                              </span>
                              <span role="cell" class="num">
                                <Pnl value={trade().realizedPnl} />
                              </span>
                            </div>
                          )}
                        </Show>
                      );
                    }}
                  </For>
                </div>
              </Show>
            </Show>
          </div>
        </div>
        <p class="small muted pad-x" role="status">
          {list.loading() ? "Loading more trades…" : `${list.trades().length} trades loaded${list.done() ? "" : " (scroll for more)"}`}
        </p>
      </section>
    </div>
  );
}
