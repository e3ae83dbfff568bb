/**
 * Everything live that the signed-in pages share: the realtime socket, live quotes, the account
 * and working orders (polled every few seconds while the private stream is not there yet), the
 * typed trading endpoints and a ticking clock for stale marks. Created once by the shell.
 */
import { createContext, useContext, type Accessor } from "solid-js";
import type { Channel } from "@bot-core/core";
import type { RealtimeClient, KlineFrameUpdate } from "./realtime";
import type { Polled } from "./poll";
import type { AccountView, OrderView, TradingEndpoints } from "./trading-api";
import type { PriceStore } from "../stores/prices";
import type { OrderBook } from "../stores/orders";

export interface Live {
  realtime: RealtimeClient;
  prices: PriceStore;
  account: Polled<AccountView>;
  orders: Polled<{ orders: OrderView[] }>;
  book: OrderBook;
  trading: TradingEndpoints;
  clock: Accessor<number>;
  /** Subscribes channels for as long as the calling component lives. */
  watch(channels: readonly Channel[]): void;
  /** Listeners for kline updates (the chart). Returns an unsubscribe function. */
  onKline(listener: (u: KlineFrameUpdate) => void): () => void;
}


/** Account and orders are polled this often while there is no private stream. */
export const POLL_MS = 3_000;

/** Symbols on the watchlist, in display order. */
export const WATCHLIST = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "DOGEUSDT", "LINKUSDT"] as const;

export const LiveContext = createContext<Live>();

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error("useLive() needs a <LiveContext.Provider>");
  return live;
}
