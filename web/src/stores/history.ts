/**
 * The trade history as a cursor-paginated list: `loadMore()` fetches the next page (never two
 * at once), `reset(filter)` starts over. Newer pages never duplicate rows already shown.
 */
import { createSignal, type Accessor } from "solid-js";
import type { HistoryFilter, TradeView, TradingEndpoints } from "../lib/trading-api";

export interface HistoryList {
  readonly trades: Accessor<TradeView[]>;
  readonly done: Accessor<boolean>;
  readonly loading: Accessor<boolean>;
  readonly error: Accessor<string | null>;
  readonly filter: Accessor<HistoryFilter>;
  loadMore(): Promise<void>;
  reset(filter: HistoryFilter): Promise<void>;
  /** Loads every remaining page (up to `maxPages`), e.g. for an export. */
  loadAll(maxPages?: number): Promise<void>;
}

export function createHistoryList(trading: Pick<TradingEndpoints, "history">, pageSize = 100): HistoryList {
  const [trades, setTrades] = createSignal<TradeView[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [done, setDone] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [filter, setFilter] = createSignal<HistoryFilter>({});
  let generation = 0;
  let inFlight: Promise<void> | null = null;

  function loadMore(): Promise<void> {
    if (inFlight) return inFlight;
    if (done()) return Promise.resolve();
    const gen = generation;
    setLoading(true);
    inFlight = trading
      .history(filter(), cursor(), pageSize)
      .then((page) => {
        if (gen !== generation) return;
        const seen = new Set(trades().map((t) => t.tradeId));
        setTrades((list) => [...list, ...page.trades.filter((t) => !seen.has(t.tradeId))]);
        setCursor(page.nextCursor);
        setDone(page.nextCursor === null);
        setError(null);
      })
      .catch((err: unknown) => {
        if (gen === generation) setError(err instanceof Error ? err.message : "Could not load the history.");
      })
      .finally(() => {
        if (gen === generation) setLoading(false);
        inFlight = null;
      });
    return inFlight;
  }

  return {
    trades,
    done,
    loading,
    error,
    filter,
    loadMore,
    reset(f) {
      generation++;
      inFlight = null;
      setFilter(f);
      setTrades([]);
      setCursor(null);
      setDone(false);
      return loadMore();
    },
    async loadAll(maxPages = 50) {
      for (let i = 0; i < maxPages && !done(); i++) {
        await loadMore();
        if (error()) return;
      }
    },
  };
}
