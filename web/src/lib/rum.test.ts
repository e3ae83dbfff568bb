import { describe, expect, it } from "vitest";
import { pageOf, startRum, type RumDeps } from "./rum";

function fakeBrowser(path: string, supported = ["largest-contentful-paint", "event", "layout-shift"]) {
  const observers = new Map<string, (entries: readonly PerformanceEntry[]) => void>();
  const hidden: (() => void)[] = [];
  const sent: { url: string; body: unknown }[] = [];
  const deps: RumDeps = {
    observe: (type, fn) => {
      if (!supported.includes(type)) return false;
      observers.set(type, fn);
      return true;
    },
    onHidden: (fn) => void hidden.push(fn),
    send: (url, body) => void sent.push({ url, body: JSON.parse(body) }),
    path: () => path,
  };
  const entry = (fields: Record<string, unknown>) => fields as unknown as PerformanceEntry;
  return {
    deps,
    sent,
    emit: (type: string, ...entries: Record<string, unknown>[]) => observers.get(type)?.(entries.map(entry)),
    hide: () => hidden.forEach((fn) => fn()),
  };
}

describe("pageOf", () => {
  it.each([
    ["/", "/"],
    ["/markets/BTCUSDT", "/markets"],
    ["/history?from=2024-01-01", "/history"],
    ["/Orders/ABC", "/other"],
    ["/%E2%9C%93", "/other"],
  ])("%s -> %s", (path, page) => expect(pageOf(path)).toBe(page));
});

describe("startRum", () => {
  it("sends LCP (last entry), INP (longest interaction) and CLS (shifts without input) once, when the page is hidden", () => {
    const b = fakeBrowser("/markets/ETHUSDT");
    startRum(b.deps);
    b.emit("largest-contentful-paint", { startTime: 812.4 }, { startTime: 1450.6 });
    b.emit("event", { interactionId: 0, duration: 400 }, { interactionId: 7, duration: 96 }, { interactionId: 8, duration: 152 });
    b.emit("layout-shift", { value: 0.02, hadRecentInput: false }, { value: 0.5, hadRecentInput: true }, { value: 0.013, hadRecentInput: false });
    b.hide();
    b.hide();
    expect(b.sent).toEqual([{ url: "/api/rum", body: { page: "/markets", lcp: 1451, inp: 152, cls: 0.033 } }]);
  });

  it("sends only what the browser measured, and nothing when it measured nothing", () => {
    const lcpOnly = fakeBrowser("/", ["largest-contentful-paint"]);
    startRum(lcpOnly.deps);
    lcpOnly.emit("largest-contentful-paint", { startTime: 300 });
    lcpOnly.hide();
    expect(lcpOnly.sent.map((s) => s.body)).toEqual([{ page: "/", lcp: 300 }]);

    const none = fakeBrowser("/trade");
    startRum(none.deps);
    none.hide();
    expect(none.sent).toEqual([]);
  });

  it("does nothing where the browser cannot measure (no PerformanceObserver or sendBeacon)", () => {
    expect(startRum(null)).toBeNull();
  });
});
