/**
 * `npm run deploy`: argument handling, the real deploy's refusals (which happen before any
 * network call), and the offline dry run: the Worker bundle, its gzip size against the 1 MB
 * budget (written to test-results/bundle-size.json), and what its module scope does.
 * Nothing here talks to Cloudflare.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_BUDGET_GZIP_BYTES, deploy, type DeployResult, missingSecrets, parseArgs, placeholdersLeft, readConfig, remotePlan, urlsOf } from "./deploy.mjs";
import { ROOT } from "./repo";
import { SECRET_NAMES } from "./secrets.mjs";

describe("deploy arguments", () => {
  it("deploys production by default and takes --env staging / --env=production / --dry-run", () => {
    expect(parseArgs([])).toMatchObject({ env: "production", dryRun: false });
    expect(parseArgs(["--env", "staging"])).toMatchObject({ env: "staging", dryRun: false });
    expect(parseArgs(["--env=production", "--dry-run"])).toMatchObject({ env: "production", dryRun: true });
  });

  it("rejects unknown environments and flags", () => {
    expect(() => parseArgs(["--env", "prod"])).toThrow(/staging, production/);
    expect(() => parseArgs(["--env"])).toThrow(/staging, production/);
    expect(() => parseArgs(["--force"])).toThrow(/unknown argument --force/);
  });
});

describe("the real deploy", () => {
  it("refuses while wrangler.toml still holds the account placeholders, naming the command that creates each", async () => {
    const config = readConfig();
    for (const env of ["staging", "production"]) {
      const left = placeholdersLeft(config, env);
      expect(left.join("\n")).toContain(`wrangler d1 create bot-core-users-${env}`);
      expect(left.join("\n")).toContain(`wrangler kv namespace create CACHE --env ${env}`);
      await expect(deploy({ env, dryRun: false }, () => {})).rejects.toThrow(/still has placeholders/);
    }
  });

  it("finds the secrets that are not set from `wrangler secret list` output", () => {
    const listed = JSON.stringify([{ name: "JWT_SECRET", type: "secret_text" }, { name: "BRIDGE_TOKEN", type: "secret_text" }]);
    expect(missingSecrets(`⛅️ wrangler\n${listed}\n`)).toEqual(SECRET_NAMES.filter((n) => n !== "JWT_SECRET" && n !== "BRIDGE_TOKEN"));
    expect(missingSecrets(JSON.stringify(SECRET_NAMES.map((name) => ({ name, type: "secret_text" }))))).toEqual([]);
    expect(() => missingSecrets("Not logged in")).toThrow(/wrangler login/);
  });

  it("applies D1 migrations remotely before deploying, and prints the workers.dev URL wrangler reports", () => {
    const plan = remotePlan("staging");
    expect(plan.findIndex((c) => c.includes("migrations apply DB --remote"))).toBeLessThan(plan.findIndex((c) => c.startsWith("wrangler deploy")));
    const urls = urlsOf(readConfig(), "staging", "Deployed bot-core-edge-staging triggers\n  https://bot-core-edge-staging.acme.workers.dev\n");
    expect(urls).toEqual(["https://bot-core-edge-staging.acme.workers.dev", "https://staging.bot-core.example.com"]);
    expect(urlsOf(readConfig(), "production")).toEqual(["https://bot-core.example.com"]);
  });
});

describe("the offline dry run (production)", () => {
  const outdir = mkdtempSync(join(tmpdir(), "bot-core-bundle-"));
  const lines: string[] = [];
  let result: DeployResult;
  beforeAll(async () => {
    result = await deploy({ env: "production", dryRun: true, outdir }, (l) => lines.push(l));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("bundles the Worker under the 1 MB gzip budget and reports the figure", () => {
    const code = readFileSync(join(outdir, "index.js"));
    const gzipBytes = gzipSync(code, { level: 9 }).length;
    expect(result.size?.gzipBytes).toBe(gzipBytes);
    expect(gzipBytes).toBeGreaterThan(10_000); // the real app, not an empty stub
    expect(gzipBytes).toBeLessThanOrEqual(BUNDLE_BUDGET_GZIP_BYTES);
    expect(lines.join("\n")).toMatch(/bundle: [\d.]+ KiB, gzip [\d.]+ KiB \(budget 1024 KiB\) ok/);
    mkdirSync(join(ROOT, "test-results"), { recursive: true });
    writeFileSync(join(ROOT, "test-results", "bundle-size.json"), JSON.stringify({ env: "production", bytes: code.length, gzipBytes, budgetGzipBytes: BUNDLE_BUDGET_GZIP_BYTES }, null, 2) + "\n");
    console.log(`Worker bundle (production): ${(code.length / 1024).toFixed(1)} KiB, gzip ${(gzipBytes / 1024).toFixed(1)} KiB of a ${BUNDLE_BUDGET_GZIP_BYTES / 1024} KiB budget`);
  });

  it("prints the remote steps and the URLs instead of running them", () => {
    const text = lines.join("\n");
    for (const cmd of remotePlan("production")) expect(text).toContain(cmd);
    expect(text).toContain("https://bot-core.example.com");
  });

  it("does no work at module scope: no fetch, timer, crypto.subtle or WebAssembly call while the bundle evaluates", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "module-scope.mjs"), outdir], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { externals: string[]; calls: string[]; exports: Record<string, unknown>; wallMs: number; cpuMs: number };
    expect(report.externals).toEqual(["cloudflare:workers"]);
    expect(report.calls).toEqual([]);
    expect(report.exports.default).toEqual(["fetch", "scheduled"]);
    for (const cls of ["UserAccount", "SymbolHub", "Gateway", "MarketFeed", "Telemetry", "BridgeContainer"]) expect(report.exports[cls], cls).toBe("function");
    // Reported, not asserted (speed is measured in perf/, never in unit tests).
    console.log(`bundle module evaluation in Node: ${report.wallMs} ms wall, ${report.cpuMs} ms CPU (parse + top level)`);
  });
});
