/**
 * The live price of one symbol: last price (big), best bid and ask below, coloured and marked
 * with an arrow by the direction of the last change. Reads one store entry; each cell
 * re-renders only when its own field changes.
 */
import { Show, type JSX } from "solid-js";
import type { PriceStore } from "../stores/prices";
import { StaleMark } from "./StaleMark";

export interface PriceDisplayProps {
  symbol: string;
  quotes: PriceStore["quotes"];
  /** e.g. "USDT"; the base asset is what precedes it in the symbol. */
  quoteAsset?: string;
  /** The current time; with it, a quote older than {@link QUOTE_STALE_MS} is marked stale. */
  now?: number;
}

/** A quote older than this is shown as stale (the feed ticks about every second). */
export const QUOTE_STALE_MS = 5_000;

const PLACEHOLDER = "—";

export function PriceDisplay(props: PriceDisplayProps): JSX.Element {
  const quote = () => props.quotes[props.symbol];
  const quoteAsset = () => props.quoteAsset ?? "USDT";
  const base = () => (props.symbol.endsWith(quoteAsset()) ? props.symbol.slice(0, -quoteAsset().length) : props.symbol);
  const direction = () => quote()?.direction ?? "flat";
  const headingId = () => `ticker-${props.symbol}`;
  const stale = () => {
    const q = quote();
    return props.now !== undefined && q !== undefined && props.now - q.receivedAt > QUOTE_STALE_MS;
  };

  return (
    <section class="ticker card" aria-labelledby={headingId()} data-stale={stale()}>
      <header class="ticker-head">
        <h2 id={headingId()}>{`${base()} / ${quoteAsset()}`}</h2>
        <StaleMark stale={stale()} updatedAt={quote()?.receivedAt} now={props.now ?? 0} what="Price" />
        <span class="muted small">Last price</span>
      </header>

      <p class="ticker-price" data-direction={direction()}>
        <span class="ticker-value" data-testid={`price-${props.symbol}`}>
          {quote()?.price ?? PLACEHOLDER}
        </span>
        <span class="ticker-arrow" aria-hidden="true">
          {direction() === "up" ? "▲" : direction() === "down" ? "▼" : ""}
        </span>
        <Show when={direction() !== "flat"}>
          <span class="sr-only">{direction() === "up" ? " rising" : " falling"}</span>
        </Show>
      </p>
      <Show when={!quote()}>
        <p class="muted small">Waiting for the first price…</p>
      </Show>

      <dl class="ticker-book">
        <div class="book-side bid">
          <dt>Bid</dt>
          <dd data-testid={`bid-${props.symbol}`}>{quote()?.bid ?? PLACEHOLDER}</dd>
          <dd class="qty muted">
            <span class="sr-only">Quantity </span>
            {quote()?.bidQty ?? ""}
          </dd>
        </div>
        <div class="book-side ask">
          <dt>Ask</dt>
          <dd data-testid={`ask-${props.symbol}`}>{quote()?.ask ?? PLACEHOLDER}</dd>
          <dd class="qty muted">
            <span class="sr-only">Quantity </span>
            {quote()?.askQty ?? ""}
          </dd>
        </div>
      </dl>
    </section>
  );
}
