/**
 * Markets: the watchlist with live prices and change, and the selected symbol's live ticker and
 * candlestick chart (lightweight-charts loads with this route only, as its own chunk).
 */
import { createMemo, createResource, createEffect, For, lazy, onMount, Show, Suspense, type JSX } from "solid-js";
import type { Channel } from "@bot-core/core";
import { SYMBOL_NAMES } from "../lib/instruments";
import type { ChartLevel } from "../components/CandleChart";
import { Link } from "../components/Link";
import { PriceDisplay, QUOTE_STALE_MS } from "../components/PriceDisplay";
import { Skeleton } from "../components/Skeleton";
import { changePct } from "../lib/indicators";
import { useLive, WATCHLIST } from "../lib/live";
import type { OrderView, PositionView } from "../lib/trading-api";
import type { PageProps } from "./Shell";

const CandleChart = lazy(() => import("../components/CandleChart"));

/** Entries, stops, targets and limits of one symbol, for the chart. */
export function levelsFor(symbol: string, positions: readonly PositionView[], orders: readonly OrderView[]): ChartLevel[] {
  const levels: ChartLevel[] = [];
  for (const p of positions) if (p.symbol === symbol) levels.push({ price: p.entryPrice, kind: "entry", label: `Entry ${p.side}` });
  for (const o of orders) {
    if (o.symbol !== symbol) continue;
    if (o.type === "take_profit_market" && o.stopPrice) levels.push({ price: o.stopPrice, kind: "target", label: "Target" });
    else if ((o.type === "stop_market" || o.type === "trailing_stop_market") && o.stopPrice) levels.push({ price: o.stopPrice, kind: "stop", label: o.type === "trailing_stop_market" ? "Trailing stop" : "Stop" });
    else if (o.price) levels.push({ price: o.price, kind: "limit", label: `Limit ${o.side}` });
  }
  return levels;
}

export default function MarketsPage(props: PageProps): JSX.Element {
  const live = useLive();
  const symbol = () => {
    const s = props.params.symbol?.toUpperCase();
    return s && SYMBOL_NAMES.includes(s) ? s : "BTCUSDT";
  };
  onMount(() => (document.title = `Markets · ${symbol()} · Bot Core`));
  createEffect(() => live.watch([`ticker:${symbol()}` as Channel, `kline:${symbol()}:1m` as Channel]));

  // Opening prices of the last 24 hourly candles (the window the feed keeps), once per visit.
  const [opens] = createResource(async () => {
    const entries = await Promise.all(
      WATCHLIST.map(async (s) => {
        try {
          const r = await live.trading.klines(s, "1h", 24);
          return [s, r.klines[0]?.open] as const;
        } catch {
          return [s, undefined] as const;
        }
      }),
    );
    return Object.fromEntries(entries) as Record<string, string | undefined>;
  });

  const levels = createMemo(() => levelsFor(symbol(), live.account.value()?.positions ?? [], live.book.working()));

  return (
    <div class="page">
      <h1>Markets</h1>
      <div class="markets-grid">
        <section class="card" aria-labelledby="watch-h">
          <h2 id="watch-h" class="pad-x pad-top">
            Watchlist
          </h2>
          <div class="table-wrap">
            <table class="table watchlist">
              <caption class="sr-only">Live prices</caption>
              <thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col" class="num">
                    Price
                  </th>
                  <th scope="col" class="num">
                    24 h
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={WATCHLIST}>
                  {(s) => {
                    const q = () => live.prices.quotes[s];
                    const stale = () => {
                      const quote = q();
                      return quote !== undefined && live.clock() - quote.receivedAt > QUOTE_STALE_MS;
                    };
                    const change = () => changePct(opens()?.[s], q()?.price);
                    return (
                      <tr aria-current={s === symbol() ? "true" : undefined} data-stale={stale()}>
                        <th scope="row">
                          <Link href={`/markets/${s}`}>{s.replace(/USDT$/, "")}</Link>
                          <span class="sr-only"> / USDT</span>
                        </th>
                        <td class="num" data-testid={`watch-${s}`} data-direction={q()?.direction ?? "flat"}>
                          {q()?.price ?? "—"}
                          <Show when={stale()}>
                            <span class="stale-mark small"> stale</span>
                          </Show>
                        </td>
                        <td class="num">
                          <Show when={change()} fallback="—" keyed>
                            {(c) => (
                              <span class="pnl" data-sign={c > 0 ? "up" : c < 0 ? "down" : "flat"}>
                                {c > 0 ? "+" : ""}
                                {c.toFixed(2)}%
                              </span>
                            )}
                          </Show>
                        </td>
                      </tr>
                    );
                  }}
                </For>
              </tbody>
            </table>
          </div>
        </section>
        <div class="side-col">
          <PriceDisplay symbol={symbol()} quotes={live.prices.quotes} now={live.clock()} />
          <p>
            <Link class="button" href={`/trade?symbol=${symbol()}`}>
              Trade {symbol()}
            </Link>
          </p>
          <section class="card pad" aria-labelledby="chart-h">
            <h2 id="chart-h">{symbol()} chart</h2>
            <Suspense fallback={<Skeleton lines={6} label="Loading the chart…" class="chart-skeleton" />}>
              <CandleChart
                symbol={symbol()}
                load={(s) => live.trading.klines(s, "1m", 500).then((r) => r.klines)}
                subscribe={(l) => live.onKline(l)}
                levels={levels()}
              />
            </Suspense>
          </section>
        </div>
      </div>
    </div>
  );
}
