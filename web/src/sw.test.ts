/**
 * The built service worker, run in a sandbox with a fake `caches`: it precaches the app shell
 * and assets, and never answers (nor caches) an API, auth or socket request.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";

/** This file's folder (jsdom's URL cannot resolve file: URLs, so not `new URL(…, import.meta.url)`). */
const HERE = (import.meta as ImportMeta & { dirname: string }).dirname;
const SW = join(HERE, "..", "dist", "sw.js");

type Handler = (event: Record<string, unknown>) => void;

function loadWorker() {
  if (!existsSync(SW)) throw new Error("no dist/sw.js: run `npm run build:web` first");
  const handlers: Record<string, Handler> = {};
  const added: string[] = [];
  const cache = { addAll: async (urls: string[]) => void added.push(...urls), put: async () => {} };
  const sandbox = {
    self: { addEventListener: (t: string, h: Handler) => (handlers[t] = h), location: { origin: "https://app.test" }, skipWaiting: async () => {}, clients: { claim: async () => {} } },
    caches: { open: async () => cache, keys: async () => [], match: async () => undefined, delete: async () => true },
    fetch: async () => new Response("net"),
    URL,
    Response,
    Promise,
  };
  runInNewContext(readFileSync(SW, "utf8"), sandbox);
  const fetchEvent = (path: string, mode = "cors", method = "GET") => {
    let responded = false;
    handlers.fetch?.({ request: { url: `https://app.test${path}`, method, mode }, respondWith: () => (responded = true) });
    return responded;
  };
  return { handlers, added, fetchEvent };
}

describe("service worker", () => {
  it("precaches the app shell, the manifest, icons and the built assets", async () => {
    const sw = loadWorker();
    let waited: Promise<unknown> = Promise.resolve();
    sw.handlers.install?.({ waitUntil: (p: Promise<unknown>) => (waited = p) });
    await waited;
    expect(sw.added).toContain("/");
    expect(sw.added).toContain("/manifest.webmanifest");
    expect(sw.added.some((u) => /^\/assets\/index-.*\.js$/.test(u))).toBe(true);
    expect(sw.added.every((u) => !/^\/(api|auth|ws)/.test(u))).toBe(true);
  });

  it("never intercepts API, auth, socket or non-GET requests", () => {
    const sw = loadWorker();
    for (const path of ["/api/trading/account", "/api/orders", "/auth/refresh", "/ws", "/health", "/metrics"]) expect(sw.fetchEvent(path), path).toBe(false);
    expect(sw.fetchEvent("/assets/x.js", "cors", "POST")).toBe(false);
    expect(sw.fetchEvent("https://elsewhere.test/x".replace("https://app.test", ""))).toBe(false);
  });

  it("serves navigations and static assets", () => {
    const sw = loadWorker();
    expect(sw.fetchEvent("/trade", "navigate")).toBe(true);
    expect(sw.fetchEvent("/assets/index-abc.js")).toBe(true);
  });
});
