#!/usr/bin/env node
// `npm test`: everything, in order, failing on the first broken stage but always printing a
// closing "tests: N passed, N failed" line.
//   1. Debian's Chromium for the browser tests (apt-get when root and missing)
//   2. typecheck of every package (tsc, strict)
//   3. the dashboard build (the browser tests and the Worker's assets need it)
//   4. deploy checks: secrets list, offline `wrangler deploy --dry-run` bundle and its gzip budget,
//      `wrangler types` drift, GitHub workflows, commands in the docs (scripts/vitest.config.ts)
//   5. unit + integration suites (vitest projects: core, edge on workerd, bridge, web)
//   6. browser tests against the real local stack (Playwright driving Chromium)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildWeb, ROOT } from "./stack.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const bin = (pkg, rel) => join(ROOT, "node_modules", pkg, rel);
const resultsDir = join(ROOT, "test-results");
mkdirSync(resultsDir, { recursive: true });

const totals = { passed: 0, failed: 0 };
const started = Date.now();

function stage(name, fn) {
  const t0 = Date.now();
  console.log(`\n━━ ${name}`);
  const ok = fn();
  console.log(`━━ ${name}: ${ok ? "ok" : "FAILED"} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (!ok) finish(1);
}

function finish(code) {
  console.log(`\nnpm test finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
  process.exit(code || (totals.failed > 0 ? 1 : 0));
}

function run(args, options = {}) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, NO_COLOR: "1", CI: process.env.CI ?? "true", CLOUDFLARE_CF_FETCH_ENABLED: "false" }, ...options });
  return r.status === 0;
}

function vitest(config, reportName) {
  const report = join(resultsDir, `${reportName}.json`);
  rmSync(report, { force: true });
  const ok = run([bin("vitest", "vitest.mjs"), "run", "--config", config, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8"));
    totals.passed += r.numPassedTests ?? 0;
    totals.failed += (r.numFailedTests ?? 0) + (ok ? 0 : r.numFailedTests ? 0 : 1);
    if ((r.numTotalTests ?? 0) === 0) {
      console.error(`${reportName}: no tests ran`);
      return false;
    }
  } else if (!ok) {
    totals.failed += 1;
  }
  return ok;
}

stage("chromium (browser tests)", () => {
  if (existsSync(CHROMIUM)) return true;
  if (process.getuid?.() !== 0) {
    console.error(`Chromium is missing at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH).`);
    return false;
  }
  console.log("installing Debian's chromium with apt-get …");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const install = update.status === 0 && spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
  return Boolean(install && install.status === 0 && existsSync(CHROMIUM));
});

stage("typecheck", () =>
  ["tsconfig.json", "packages/analysis/tsconfig.json", "packages/realtime-client/tsconfig.json", "ml/tsconfig.json", "containers/exchange-bridge/tsconfig.json", "web/tsconfig.json", "e2e/tsconfig.json", "perf/tsconfig.json", "perf/k6/tsconfig.json", "perf/k6/tsconfig.test.json", "scripts/tsconfig.json"].every((p) =>
    run([bin("typescript", "bin/tsc"), "-p", p]),
  ),
);

stage("dashboard build", () => {
  try {
    buildWeb({ quiet: true });
    return true;
  } catch (err) {
    console.error(String(err));
    return false;
  }
});

stage("deploy checks (bundle budget, types drift, workflows, docs commands)", () => vitest("scripts/vitest.config.ts", "deploy"));
stage("unit and integration tests (core, edge on workerd, bridge, web)", () => vitest("vitest.config.ts", "unit"));
stage("browser tests against the local stack", () => vitest("e2e/vitest.config.ts", "e2e"));

finish(0);
