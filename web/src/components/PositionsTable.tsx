/**
 * Open positions with PnL computed live from the last price of each symbol (the server's
 * figure until the first tick arrives). Optionally a Close button per row.
 */
import { For, Show, type JSX } from "solid-js";
import { livePnl, fixed } from "../lib/pnl";
import type { PositionView } from "../lib/trading-api";
import type { PriceStore } from "../stores/prices";
import { Pnl } from "./Pnl";

export interface PositionsTableProps {
  positions: readonly PositionView[];
  quotes: PriceStore["quotes"];
  onClose?: (symbol: string) => void;
  closing?: (symbol: string) => boolean;
  caption?: string;
}

/** The live mark and PnL of a position: from the latest tick, else the server's values. */
export function markOf(p: PositionView, quotes: PriceStore["quotes"]): { mark: string; pnl: string; live: boolean } {
  const q = quotes[p.symbol];
  return q ? { mark: q.price, pnl: livePnl(p, q.price), live: true } : { mark: p.markPrice, pnl: p.unrealizedPnl, live: false };
}

export function PositionsTable(props: PositionsTableProps): JSX.Element {
  return (
    <Show when={props.positions.length > 0} fallback={<p class="muted empty">No open positions.</p>}>
      <div class="table-wrap">
        <table class="table">
          <caption class="sr-only">{props.caption ?? "Open positions"}</caption>
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col">Side</th>
              <th scope="col" class="num">Size</th>
              <th scope="col" class="num">Entry</th>
              <th scope="col" class="num">Mark</th>
              <th scope="col" class="num">PnL (USDT)</th>
              <Show when={props.onClose}>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </Show>
            </tr>
          </thead>
          <tbody>
            <For each={props.positions}>
              {(p) => {
                const m = () => markOf(p, props.quotes);
                return (
                  <tr data-testid={`position-${p.symbol}`}>
                    <th scope="row">{p.symbol}</th>
                    <td>
                      <span class="side" data-side={p.side}>
                        {p.side}
                      </span>
                    </td>
                    <td class="num">{p.quantity}</td>
                    <td class="num">{fixed(p.entryPrice, 2)}</td>
                    <td class="num" data-testid={`mark-${p.symbol}`}>
                      {m().mark}
                    </td>
                    <td class="num">
                      <Pnl value={m().pnl} testId={`pnl-${p.symbol}`} />
                    </td>
                    <Show when={props.onClose}>
                      {(close) => (
                        <td>
                          <button
                            class="button small"
                            type="button"
                            disabled={props.closing?.(p.symbol)}
                            aria-label={`Close ${p.symbol} ${p.side} position`}
                            onClick={() => close()(p.symbol)}
                          >
                            {props.closing?.(p.symbol) ? "Closing…" : "Close"}
                          </button>
                        </td>
                      )}
                    </Show>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
