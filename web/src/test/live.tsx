/**
 * Renders a page inside the signed-in shell's contexts with a scripted API (fake fetch: the
 * edge is not running in unit tests) and a fake socket.
 */
import { render } from "@solidjs/testing-library";
import type { JSX } from "solid-js";
import { createClock } from "../lib/clock";
import { LiveContext, POLL_MS, type Live } from "../lib/live";
import { createPolled } from "../lib/poll";
import { createRealtimeClient } from "../lib/realtime";
import { createRouter, RouterContext, type HistoryLike } from "../lib/router";
import { createSession, SessionContext } from "../lib/session";
import { tradingEndpoints, type OrderView } from "../lib/trading-api";
import { createOrderBook } from "../stores/orders";
import { createPriceStore } from "../stores/prices";
import { authResponse, fakeFetch, json } from "./fake-fetch";
import { fakeSocketFactory } from "./fake-socket";

export function memoryHistory(path = "/"): HistoryLike & { entries: string[] } {
  const entries = [path];
  const location = { pathname: path, search: "" };
  const set = (url: string) => {
    const u = new URL(url, "http://app.test");
    location.pathname = u.pathname;
    location.search = u.search;
  };
  return {
    entries,
    location,
    pushState: (_d, _u, url) => {
      entries.push(url);
      set(url);
    },
    replaceState: (_d, _u, url) => {
      entries[entries.length - 1] = url;
      set(url);
    },
    addEventListener: () => {},
    removeEventListener: () => {},
  };
}

export async function renderLive(page: () => JSX.Element, routes: Parameters<typeof fakeFetch>[0], path = "/") {
  const f = fakeFetch({ "POST /auth/login": () => json(200, authResponse("trader@example.com", "acc-1")), ...routes });
  const session = createSession({ fetch: f.fetch, locks: null, hintStorage: null, events: null });
  await session.signIn({ email: "trader@example.com", password: "long enough" });
  const sockets = fakeSocketFactory();
  const trading = tradingEndpoints(session.api);
  const orders = createPolled<{ orders: OrderView[] }>(() => trading.openOrders(), { intervalMs: POLL_MS });
  const history = memoryHistory(path);
  let live!: Live;
  const result = render(() => {
    const prices = createPriceStore();
    const realtime = createRealtimeClient({ url: "ws://app.test/ws", getToken: () => session.freshToken(), createSocket: sockets.create });
    live = {
      realtime,
      prices,
      account: createPolled(() => trading.account(), { intervalMs: POLL_MS }),
      orders,
      book: createOrderBook(orders),
      trading,
      clock: createClock(),
      watch: (c) => realtime.subscribe(c),
      onKline: () => () => {},
    };
    return (
      <SessionContext.Provider value={session}>
        <RouterContext.Provider value={createRouter(["/"], history)}>
          <LiveContext.Provider value={live}>{page()}</LiveContext.Provider>
        </RouterContext.Provider>
      </SessionContext.Provider>
    );
  });
  return { ...result, live, requests: f.requests, fetch: f, sockets, history };
}
