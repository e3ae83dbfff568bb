/**
 * The JavaScript budgets of the issue, measured on the built `web/dist` (gzip level 9, as a
 * CDN would serve it): the initial load (the entry script and what index.html preloads) at most
 * 60 KB, every chunk of every route together at most 250 KB; and nothing a strict CSP refuses. `npm test` builds before it runs
 * this; alone: `npm run build:web` first.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

/** This file's folder (jsdom's URL cannot resolve file: URLs, so not `new URL(…, import.meta.url)`). */
const HERE = (import.meta as ImportMeta & { dirname: string }).dirname;
const DIST = join(HERE, "..", "dist");
export const INITIAL_JS_BUDGET = 60 * 1024;
export const ALL_ROUTES_JS_BUDGET = 250 * 1024;

const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

function built(): { html: string; js: string[] } {
  if (!existsSync(join(DIST, "index.html"))) throw new Error(`no build at ${DIST}: run \`npm run build:web\` first`);
  return { html: readFileSync(join(DIST, "index.html"), "utf8"), js: readdirSync(join(DIST, "assets")).filter((f) => f.endsWith(".js")).map((f) => `assets/${f}`) };
}

/** Scripts the browser loads before anything else: the module entry and its modulepreloads. */
export function initialScripts(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g)) out.add(m[1] as string);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g)) out.add(m[1] as string);
  return [...out];
}

describe("dashboard bundle budgets (built web/dist, gzip)", () => {
  it(`loads at most ${INITIAL_JS_BUDGET / 1024} KB of JavaScript up front`, () => {
    const { html } = built();
    const initial = initialScripts(html);
    expect(initial.length).toBeGreaterThan(0);
    const total = initial.reduce((sum, f) => sum + gz(f), 0);
    console.log(`initial JS: ${(total / 1024).toFixed(1)} KB gzip in ${initial.length} files (budget ${INITIAL_JS_BUDGET / 1024} KB)`);
    expect(total).toBeLessThanOrEqual(INITIAL_JS_BUDGET);
  });

  it(`keeps all routes together at most ${ALL_ROUTES_JS_BUDGET / 1024} KB`, () => {
    const { js } = built();
    const sizes = js.map((f) => ({ f, size: gz(f) })).sort((a, b) => b.size - a.size);
    const total = sizes.reduce((sum, s) => sum + s.size, 0);
    console.log(`all JS: ${(total / 1024).toFixed(1)} KB gzip in ${js.length} chunks; largest: ${sizes.slice(0, 3).map((s) => `${s.f} ${(s.size / 1024).toFixed(1)} KB`).join(", ")}`);
    expect(total).toBeLessThanOrEqual(ALL_ROUTES_JS_BUDGET);
  });

  it("loads lightweight-charts only with the chart's own chunk, never up front", () => {
    const { html, js } = built();
    const chartChunks = js.filter((f) => readFileSync(join(DIST, f), "utf8").includes("tv-lightweight-charts"));
    expect(chartChunks.length).toBe(1);
    expect(chartChunks[0]).toMatch(/assets\/CandleChart-/);
    expect(initialScripts(html)).not.toContain(chartChunks[0]);
  });

  it("ships nothing the strict CSP would refuse: no inline style attributes in templates, no eval", () => {
    const { html, js } = built();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    for (const f of js) {
      const code = readFileSync(join(DIST, f), "utf8");
      expect(code, f).not.toMatch(/<[a-z][^<>`]*\sstyle=/);
      expect(code, f).not.toMatch(/new Function\(|\beval\(/);
    }
  });
});
