/**
 * A tiny client-side router (History API): a path signal, a table of patterns such as
 * `/markets/:symbol`, and `navigate()`. Pages are `lazy()` components, so each route is its own
 * chunk. Enough for a dashboard with a handful of routes, at a few hundred bytes instead of a
 * router package.
 *
 * @example
 * const router = createRouter(["/", "/markets/:symbol"]);
 * router.match(); // { pattern: "/markets/:symbol", params: { symbol: "BTCUSDT" } }
 * router.navigate("/trade");
 */
import { createContext, createSignal, useContext, type Accessor } from "solid-js";

export interface RouteMatch {
  pattern: string;
  params: Record<string, string>;
}

export interface Router {
  readonly path: Accessor<string>;
  readonly search: Accessor<string>;
  match(): RouteMatch | null;
  navigate(to: string, options?: { replace?: boolean }): void;
  dispose(): void;
}

export interface HistoryLike {
  readonly location: Pick<Location, "pathname" | "search">;
  pushState(data: unknown, unused: string, url: string): void;
  replaceState(data: unknown, unused: string, url: string): void;
  addEventListener(type: "popstate", listener: () => void): void;
  removeEventListener(type: "popstate", listener: () => void): void;
}

/** Matches a path against a pattern; `:name` segments capture (URI-decoded). */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const part = p[i] as string;
    const seg = s[i] as string;
    if (part.startsWith(":")) {
      try {
        params[part.slice(1)] = decodeURIComponent(seg);
      } catch {
        return null;
      }
    } else if (part !== seg) return null;
  }
  return params;
}

function browserHistory(): HistoryLike {
  return {
    location: window.location,
    pushState: (d, u, url) => window.history.pushState(d, u, url),
    replaceState: (d, u, url) => window.history.replaceState(d, u, url),
    addEventListener: (t, l) => window.addEventListener(t, l),
    removeEventListener: (t, l) => window.removeEventListener(t, l),
  };
}

export function createRouter(patterns: readonly string[], history: HistoryLike = browserHistory()): Router {
  const [path, setPath] = createSignal(history.location.pathname);
  const [search, setSearch] = createSignal(history.location.search);
  const sync = () => {
    setPath(history.location.pathname);
    setSearch(history.location.search);
  };
  history.addEventListener("popstate", sync);
  return {
    path,
    search,
    match() {
      const current = path();
      for (const pattern of patterns) {
        const params = matchPath(pattern, current);
        if (params) return { pattern, params };
      }
      return null;
    },
    navigate(to, options = {}) {
      if (to === history.location.pathname + history.location.search) return;
      if (options.replace) history.replaceState(null, "", to);
      else history.pushState(null, "", to);
      sync();
    },
    dispose() {
      history.removeEventListener("popstate", sync);
    },
  };
}

export const RouterContext = createContext<Router>();

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error("useRouter() needs a <RouterContext.Provider>");
  return router;
}

/** True for a plain left click that the router should handle (not a new tab or window). */
export function isPlainClick(e: MouseEvent): boolean {
  return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey && !e.defaultPrevented;
}
