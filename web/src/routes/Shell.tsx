/**
 * Signed in: the app shell. Top bar (brand, connection state, theme, account), the main
 * navigation, and the page of the current route, each page its own lazily loaded chunk.
 * Owns the live data every page shares (see lib/live.ts).
 */
import { createEffect, createMemo, createSignal, ErrorBoundary, For, lazy, onCleanup, onMount, Suspense, type Component, type JSX } from "solid-js";
import { Dynamic } from "solid-js/web";
import type { Channel } from "@bot-core/core";
import { ConnectionIndicator } from "../components/ConnectionIndicator";
import { Link } from "../components/Link";
import { PageSkeleton } from "../components/Skeleton";
import { createClock } from "../lib/clock";
import { LiveContext, POLL_MS, WATCHLIST, type Live } from "../lib/live";
import { createPolled } from "../lib/poll";
import { createRealtimeClient, defaultSocketUrl, type KlineFrameUpdate, type SocketFactory } from "../lib/realtime";
import { createRouter, RouterContext, type HistoryLike } from "../lib/router";
import { useSession } from "../lib/session";
import type { Theme } from "../lib/theme";
import { newIdempotencyKey, tradingEndpoints, type OrderView } from "../lib/trading-api";
import { createOrderBook } from "../stores/orders";
import { createPriceStore } from "../stores/prices";
import { Logo } from "./AuthPage";

export interface PageProps {
  params: Record<string, string>;
}

interface RouteDef {
  pattern: string;
  page: Component<PageProps>;
}

const Overview = lazy(() => import("./OverviewPage"));
const Markets = lazy(() => import("./MarketsPage"));
const Trade = lazy(() => import("./TradePage"));
const Positions = lazy(() => import("./PositionsPage"));
const History = lazy(() => import("./HistoryPage"));
const Signals = lazy(() => import("./SignalsPage"));
const System = lazy(() => import("./SystemPage"));
const Settings = lazy(() => import("./SettingsPage"));
const NotFound = lazy(() => import("./NotFoundPage"));

export const ROUTES: readonly RouteDef[] = [
  { pattern: "/", page: Overview },
  { pattern: "/markets", page: Markets },
  { pattern: "/markets/:symbol", page: Markets },
  { pattern: "/trade", page: Trade },
  { pattern: "/positions", page: Positions },
  { pattern: "/history", page: History },
  { pattern: "/signals", page: Signals },
  { pattern: "/system", page: System },
  { pattern: "/settings", page: Settings },
];

export const NAV: ReadonlyArray<{ href: string; label: string; match: (path: string) => boolean }> = [
  { href: "/", label: "Overview", match: (p) => p === "/" },
  { href: "/markets", label: "Markets", match: (p) => p.startsWith("/markets") },
  { href: "/trade", label: "Trade", match: (p) => p === "/trade" },
  { href: "/positions", label: "Positions", match: (p) => p === "/positions" },
  { href: "/history", label: "History", match: (p) => p === "/history" },
  { href: "/signals", label: "Signals", match: (p) => p === "/signals" },
  { href: "/system", label: "System", match: (p) => p === "/system" },
  { href: "/settings", label: "Settings", match: (p) => p === "/settings" },
];

const TAB_SESSION_KEY = "bot-core:ws-session";

/** This tab's realtime session id (kept across reloads of the tab, so a reload resumes). */
export function tabSessionId(storage: Pick<Storage, "getItem" | "setItem"> | null = typeof sessionStorage !== "undefined" ? sessionStorage : null): string {
  try {
    const existing = storage?.getItem(TAB_SESSION_KEY);
    if (existing && /^[A-Za-z0-9_-]{8,64}$/.test(existing)) return existing;
  } catch {
    // storage disabled
  }
  const id = newIdempotencyKey().replace(/[^A-Za-z0-9_-]/g, "");
  try {
    storage?.setItem(TAB_SESSION_KEY, id);
  } catch {
    // storage disabled: a session per page load
  }
  return id;
}

export interface ShellProps {
  theme: Theme;
  createSocket?: SocketFactory;
  history?: HistoryLike;
}

export default function Shell(props: ShellProps): JSX.Element {
  const session = useSession();
  const router = createRouter(
    ROUTES.map((r) => r.pattern),
    ...(props.history ? [props.history] : []),
  );
  const prices = createPriceStore();
  // A private event (order filled or updated, settings changed) refreshes the account and the
  // orders at once; polling stays as the safety net.
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const onPrivate = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      void account.refresh();
      void orders.refresh();
    }, 50);
  };
  const klineListeners = new Set<(u: KlineFrameUpdate) => void>();
  const realtime = createRealtimeClient({
    url: defaultSocketUrl(),
    getToken: (force) => session.freshToken({ force }),
    onMarket: (updates) => {
      prices.apply(updates);
      for (const u of updates) if (u.kind === "kline") for (const l of klineListeners) l(u);
    },
    onEvent: onPrivate,
    sessionId: tabSessionId(),
    ...(props.createSocket ? { createSocket: props.createSocket } : {}),
  });
  const trading = tradingEndpoints(session.api);
  const account = createPolled(() => trading.account(), { intervalMs: POLL_MS });
  const orders = createPolled<{ orders: OrderView[] }>(() => trading.openOrders(), { intervalMs: POLL_MS });
  const clock = createClock();

  const live: Live = {
    realtime,
    prices,
    account,
    orders,
    book: createOrderBook(orders),
    trading,
    clock,
    watch(channels) {
      realtime.subscribe(channels);
    },
    onKline(listener) {
      klineListeners.add(listener);
      return () => klineListeners.delete(listener);
    },
  };

  // Every symbol with an open position gets a live ticker (for its PnL).
  createEffect(() => {
    const symbols = account.value()?.positions.map((p) => p.symbol) ?? [];
    if (symbols.length > 0) realtime.subscribe(symbols.map((s) => `ticker:${s}` as Channel));
  });

  const [signingOut, setSigningOut] = createSignal(false);
  const onOnline = () => {
    realtime.reconnectNow();
    void account.refresh();
  };

  onMount(() => {
    realtime.subscribe(WATCHLIST.map((s) => `ticker:${s}` as Channel));
    realtime.connect();
    account.start();
    orders.start();
    window.addEventListener("online", onOnline);
  });
  onCleanup(() => {
    clearTimeout(refreshTimer);
    window.removeEventListener("online", onOnline);
    account.stop();
    orders.stop();
    realtime.close();
    router.dispose();
  });

  async function signOut(): Promise<void> {
    setSigningOut(true);
    realtime.close();
    await session.signOut();
  }

  const current = createMemo(() => {
    const m = router.match();
    const route = m ? ROUTES.find((r) => r.pattern === m.pattern) : undefined;
    return { page: route?.page ?? NotFound, params: m?.params ?? {} };
  });

  // Moving between pages puts the focus on the new page's main region (screen readers hear it).
  let main: HTMLElement | undefined;
  let first = true;
  createEffect(() => {
    router.path();
    if (first) {
      first = false;
      return;
    }
    queueMicrotask(() => main?.focus({ preventScroll: false }));
  });

  const themeLabel = () => ({ system: "Theme: system", light: "Theme: light", dark: "Theme: dark" })[props.theme.choice()];

  return (
    <RouterContext.Provider value={router}>
      <LiveContext.Provider value={live}>
        <div class="shell">
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="topbar">
            <Link class="brand" href="/" aria-label="Bot Core overview">
              <Logo /> <span class="brand-name">Bot Core</span>
            </Link>
            <ConnectionIndicator state={realtime.state} detail={realtime.lastError()} />
            <div class="account">
              <button class="button icon" type="button" onClick={() => props.theme.cycle()} aria-label={`${themeLabel()} (change)`} title={themeLabel()}>
                <span aria-hidden="true">{props.theme.choice() === "dark" ? "☾" : props.theme.choice() === "light" ? "☀" : "◐"}</span>
              </button>
              <span class="account-email" title={session.user()?.email}>
                <span class="sr-only">Signed in as </span>
                {session.user()?.email}
              </span>
              <button class="button" type="button" onClick={() => void signOut()} disabled={signingOut()}>
                {signingOut() ? "Signing out…" : "Sign out"}
              </button>
            </div>
          </header>
          <nav class="nav" aria-label="Main">
            <ul>
              <For each={NAV}>
                {(item) => (
                  <li>
                    <Link href={item.href} aria-current={item.match(router.path()) ? "page" : undefined}>
                      {item.label}
                    </Link>
                  </li>
                )}
              </For>
            </ul>
          </nav>
          <main id="main" class="content" tabindex="-1" ref={main}>
            <ErrorBoundary
              fallback={(err, reset) => (
                <div class="page">
                  <h1>Something went wrong</h1>
                  <p class="alert" role="alert">
                    {err instanceof Error ? err.message : "This page failed to load."}
                  </p>
                  <button class="button" type="button" onClick={reset}>
                    Try again
                  </button>
                </div>
              )}
            >
              <Suspense fallback={<PageSkeleton />}>
                <Dynamic component={current().page} params={current().params} />
              </Suspense>
            </ErrorBoundary>
          </main>
        </div>
      </LiveContext.Provider>
    </RouterContext.Provider>
  );
}
