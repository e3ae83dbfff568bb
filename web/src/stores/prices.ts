/**
 * Live quotes per symbol, in a Solid store updated in place: a tick that changes only the price
 * notifies only the cells that read `price` (and `direction`) of that one symbol.
 *
 * Prices stay the decimal strings the server sent. Direction is decided with exact bigint
 * arithmetic (`parseDecimal` from core), never with floats.
 *
 * @example
 * const prices = createPriceStore();
 * prices.apply([tickerUpdate]);
 * prices.quotes.BTCUSDT?.price; // "64123.45"
 */
import { batch } from "solid-js";
import { createStore } from "solid-js/store";
import type { TickerUpdate } from "@bot-core/core";
import { parseDecimal } from "@bot-core/core/decimal";

export type Direction = "up" | "down" | "flat";

export interface Quote {
  symbol: string;
  price: string;
  bid: string;
  ask: string;
  bidQty: string;
  askQty: string;
  eventTime: number;
  /** When this tab received the tick (local clock: staleness never depends on clock skew). */
  receivedAt: number;
  /** How the last price change went; kept while the price stays the same. */
  direction: Direction;
}

export interface PriceStore {
  readonly quotes: Readonly<Record<string, Quote | undefined>>;
  /** Applies ticker updates in order; other kinds are ignored. */
  apply(updates: ReadonlyArray<{ kind: string } | TickerUpdate>): void;
  clear(): void;
}

/** Wire decimals carry at most 18 fraction digits, so this scale is exact for every valid value. */
const COMPARE_SCALE = 18;

/** Compares two decimal strings exactly: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = parseDecimal(a, COMPARE_SCALE);
  const y = parseDecimal(b, COMPARE_SCALE);
  return x === y ? 0 : x > y ? 1 : -1;
}

function isTicker(u: { kind: string } | TickerUpdate): u is TickerUpdate {
  return u.kind === "ticker";
}

export function createPriceStore(now: () => number = Date.now): PriceStore {
  const [quotes, setQuotes] = createStore<Record<string, Quote | undefined>>({});

  return {
    quotes,
    apply(updates) {
      const receivedAt = now();
      batch(() => {
        for (const u of updates) {
          if (!isTicker(u)) continue;
          const previous = quotes[u.symbol];
          let direction: Direction = previous?.direction ?? "flat";
          if (previous && previous.price !== u.price) {
            const cmp = compareDecimal(u.price, previous.price);
            if (cmp !== 0) direction = cmp > 0 ? "up" : "down";
          }
          const next: Quote = {
            symbol: u.symbol,
            price: u.price,
            bid: u.bid,
            ask: u.ask,
            bidQty: u.bidQty,
            askQty: u.askQty,
            eventTime: u.eventTime,
            receivedAt,
            direction,
          };
          // Merges into the existing object: unchanged fields notify nobody.
          setQuotes(u.symbol, next);
        }
      });
    },
    clear() {
      batch(() => {
        for (const symbol of Object.keys(quotes)) setQuotes(symbol, undefined);
      });
    },
  };
}
