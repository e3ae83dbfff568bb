/**
 * The Lighthouse budget check inside `npm test`: Lighthouse CI (Debian's Chromium) against the
 * dashboard served by the real local stack, once with the mobile preset and once with the
 * desktop preset, asserting `.lighthouserc.json` (performance >= 95, accessibility 100, best
 * practices >= 95, SEO >= 90, LCP < 1.5 s, CLS < 0.05, TBT < 150 ms, resource budgets). One run
 * per preset here (~13 s each); `npm run perf:lighthouse` runs the configured 3 with the median.
 * Reports: perf/results/lighthouse/{mobile,desktop}/ and summary.{json,md} (git-ignored: rewritten every run).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack } from "./support";

type StartedStack = Awaited<ReturnType<typeof startTestStack>>;
let stack: StartedStack;
const ROOT = process.cwd();
const LHCI = join(ROOT, "node_modules", "@lhci", "cli", "src", "cli.js");

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.cleanup();
});

function lighthouse(preset: "mobile" | "desktop") {
  const outputDir = join("perf", "results", "lighthouse", preset);
  rmSync(join(ROOT, outputDir), { recursive: true, force: true });
  const args = [
    LHCI,
    "autorun",
    "--config=.lighthouserc.json",
    `--collect.url=${stack.edgeUrl}/`,
    "--collect.numberOfRuns=1",
    `--upload.outputDir=${outputDir}`,
    ...(preset === "desktop" ? ["--collect.settings.preset=desktop"] : []),
  ];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true" }, timeout: 150_000 });
  const output = `${r.stdout}\n${r.stderr}`;
  console.log(`lighthouse ${preset}:\n${output.split("\n").filter((l) => /assert|fail|✘|passed|Done|error/i.test(l)).slice(0, 40).join("\n")}`);
  const manifest = join(ROOT, outputDir, "manifest.json");
  const entry = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as Array<{ summary: Record<string, number>; jsonPath: string }>)[0] : undefined;
  const metrics: Record<string, number> = {};
  if (entry && existsSync(entry.jsonPath)) {
    const lhr = JSON.parse(readFileSync(entry.jsonPath, "utf8")) as { audits: Record<string, { numericValue?: number }> };
    for (const id of METRICS) {
      const v = lhr.audits[id]?.numericValue;
      if (v !== undefined) metrics[id] = Math.round(v * 1000) / 1000;
    }
  }
  return { status: r.status, output, summary: entry?.summary, metrics, reports: existsSync(join(ROOT, outputDir)) ? readdirSync(join(ROOT, outputDir)) : [] };
}

const METRICS = ["first-contentful-paint", "largest-contentful-paint", "cumulative-layout-shift", "total-blocking-time", "speed-index", "interactive"] as const;
const results: Record<string, { scores: Record<string, number> | undefined; metrics: Record<string, number> }> = {};

/** A small summary next to the full reports: scores and the budgeted metrics. */
function writeSummary(): void {
  const dir = join(ROOT, "perf", "results", "lighthouse");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "summary.json"), `${JSON.stringify({ measuredAt: new Date().toISOString(), url: "/ (sign-in page, signed out)", runsPerPreset: 1, results }, null, 2)}\n`);
  const rows = Object.entries(results).map(
    ([preset, r]) =>
      `| ${preset} | ${["performance", "accessibility", "best-practices", "seo"].map((k) => Math.round((r.scores?.[k] ?? 0) * 100)).join(" | ")} | ${Math.round(r.metrics["largest-contentful-paint"] ?? 0)} ms | ${r.metrics["cumulative-layout-shift"] ?? "?"} | ${Math.round(r.metrics["total-blocking-time"] ?? 0)} ms |`,
  );
  writeFileSync(
    join(dir, "summary.md"),
    [
      "# Lighthouse (npm test: one run per preset, Debian Chromium, local stack)",
      "",
      "Budgets: performance >= 95, accessibility 100, best practices >= 95, SEO >= 90, LCP < 1500 ms, CLS < 0.05, TBT < 150 ms.",
      "",
      "| preset | performance | accessibility | best practices | SEO | LCP | CLS | TBT |",
      "|---|---|---|---|---|---|---|---|",
      ...rows,
      "",
    ].join("\n"),
  );
}

describe("Lighthouse budgets (lhci, Debian Chromium, the real local stack)", () => {
  for (const preset of ["mobile", "desktop"] as const) {
    it(`meets every assertion of .lighthouserc.json with the ${preset} preset, and saves its report`, () => {
      const r = lighthouse(preset);
      console.log(`lighthouse ${preset} scores: ${JSON.stringify(r.summary)} metrics: ${JSON.stringify(r.metrics)}`);
      results[preset] = { scores: r.summary, metrics: r.metrics };
      writeSummary();
      expect(r.reports.some((f) => f.endsWith(".report.html")), r.output).toBe(true);
      expect(r.status, r.output.slice(-4000)).toBe(0);
      expect(r.summary?.performance ?? 0).toBeGreaterThanOrEqual(0.95);
      expect(r.summary?.accessibility ?? 0).toBe(1);
    }, 180_000);
  }
});
