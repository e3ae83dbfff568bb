/**
 * Real-user monitoring: the page's Core Web Vitals (LCP, INP, CLS) measured with
 * PerformanceObserver and sent once, when the page is first hidden, to `POST /api/rum` with
 * `navigator.sendBeacon` (survives the tab closing; no response is read). Only the top-level page
 * ("/markets" for /markets/BTCUSDT) goes with the values: no user, no ids, no query.
 *
 * - LCP: the last largest-contentful-paint entry's time (the browser stops reporting at the first input);
 * - INP: the longest interaction ("event" entries with an interactionId), which is INP for pages
 *   with fewer than 50 interactions;
 * - CLS: the sum of layout shifts without recent input (not session-windowed: an upper bound).
 *
 * @example
 * startRum(); // main.tsx, once
 */

export interface RumReport {
  page: string;
  lcp?: number;
  inp?: number;
  cls?: number;
}

export interface RumDeps {
  /** Starts observing `type` (buffered); false when the browser does not support it. */
  observe(type: "largest-contentful-paint" | "event" | "layout-shift", onEntries: (entries: readonly PerformanceEntry[]) => void): boolean;
  /** Calls `fn` when the page becomes hidden (tab switch, close, navigation away). */
  onHidden(fn: () => void): void;
  send(url: string, body: string): void;
  path(): string;
}

export const RUM_URL = "/api/rum";

/** "/markets/BTCUSDT?x=1" -> "/markets"; anything unusual -> "/other". */
export function pageOf(path: string): string {
  const first = path.split(/[?#]/)[0]!.split("/").filter(Boolean)[0] ?? "";
  return /^[a-z0-9-]{0,32}$/.test(first) ? `/${first}` : "/other";
}

function browserDeps(): RumDeps | null {
  if (typeof PerformanceObserver === "undefined" || typeof navigator === "undefined" || typeof navigator.sendBeacon !== "function") return null;
  return {
    observe(type, onEntries) {
      if (!PerformanceObserver.supportedEntryTypes?.includes(type)) return false;
      const po = new PerformanceObserver((list) => onEntries(list.getEntries()));
      po.observe({ type, buffered: true, ...(type === "event" ? { durationThreshold: 40 } : {}) } as PerformanceObserverInit);
      return true;
    },
    onHidden(fn) {
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "hidden") fn();
      });
      window.addEventListener("pagehide", fn);
    },
    send(url, body) {
      navigator.sendBeacon(url, new Blob([body], { type: "application/json" }));
    },
    path: () => location.pathname,
  };
}

/** Starts measuring; returns the report builder (for tests) or null when the browser cannot measure. */
export function startRum(deps: RumDeps | null = browserDeps()): (() => RumReport | null) | null {
  if (!deps) return null;
  const page = pageOf(deps.path());
  let lcp: number | undefined;
  let inp: number | undefined;
  let cls: number | undefined;
  deps.observe("largest-contentful-paint", (entries) => {
    const last = entries[entries.length - 1];
    if (last) lcp = last.startTime;
  });
  deps.observe("event", (entries) => {
    for (const e of entries) {
      if ((e as PerformanceEventTiming).interactionId) inp = Math.max(inp ?? 0, e.duration);
    }
  });
  deps.observe("layout-shift", (entries) => {
    for (const e of entries as readonly (PerformanceEntry & { value?: number; hadRecentInput?: boolean })[]) {
      if (!e.hadRecentInput && typeof e.value === "number") cls = (cls ?? 0) + e.value;
    }
  });
  const report = (): RumReport | null => {
    if (lcp === undefined && inp === undefined && cls === undefined) return null;
    return {
      page,
      ...(lcp !== undefined ? { lcp: Math.round(lcp) } : {}),
      ...(inp !== undefined ? { inp: Math.round(inp) } : {}),
      ...(cls !== undefined ? { cls: Math.round(cls * 10_000) / 10_000 } : {}),
    };
  };
  let sent = false;
  deps.onHidden(() => {
    if (sent) return;
    const r = report();
    if (!r) return;
    sent = true;
    try {
      deps.send(RUM_URL, JSON.stringify(r));
    } catch {
      // Monitoring never breaks the page.
    }
  });
  return report;
}
