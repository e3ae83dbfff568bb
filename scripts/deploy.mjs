#!/usr/bin/env node
// `npm run deploy [-- --env staging|production] [--dry-run] [--outdir DIR]`
//
// Deploys the whole system to Cloudflare (production by default):
//   1. checks wrangler.toml's environment has no account placeholder left (REPLACE_WITH_…)
//   2. builds the dashboard (web/dist, served as static assets)
//   3. checks every secret of scripts/secrets.mjs is set (`wrangler secret list`)
//   4. applies the D1 migrations remotely (`wrangler d1 migrations apply DB --remote`)
//   5. deploys the Worker, its Durable Objects (with their [[migrations]]), the assets and the
//      bridge container image (`wrangler deploy`; Docker builds the image)
//   6. prints the URLs
// --dry-run runs offline, without an account: steps 2 and 5 as `wrangler deploy --dry-run`
// (bundle only, containers not built), reports the bundle's gzip size against the 1 MB budget,
// and prints the remote commands it would run. The deploy checks in `npm test` use it.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "smol-toml";
import { SECRET_NAMES } from "./secrets.mjs";
import { buildWeb, ROOT } from "./stack.mjs";

export const ENVIRONMENTS = ["staging", "production"];
/** Goal from the issue: the Worker bundle stays at or under 1 MB gzip. */
export const BUNDLE_BUDGET_GZIP_BYTES = 1024 * 1024;
const WRANGLER_JS = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** @param {string[]} argv */
export function parseArgs(argv) {
  const options = { env: "production", dryRun: false, outdir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--dry-run") options.dryRun = true;
    else if (arg === "--env" || arg === "-e") options.env = argv[++i] ?? "";
    else if (arg.startsWith("--env=")) options.env = arg.slice("--env=".length);
    else if (arg === "--outdir") options.outdir = argv[++i];
    else throw new Error(`unknown argument ${arg} (usage: npm run deploy -- [--env staging|production] [--dry-run] [--outdir DIR])`);
  }
  if (!ENVIRONMENTS.includes(options.env)) throw new Error(`--env must be one of ${ENVIRONMENTS.join(", ")} (got "${options.env}")`);
  return options;
}

export function readConfig() {
  return parse(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
}

/** Account-specific values still holding a placeholder in this environment. */
export function placeholdersLeft(config, env) {
  const e = config.env?.[env] ?? {};
  const left = [];
  for (const d of e.d1_databases ?? []) if (/^REPLACE_WITH_/.test(d.database_id)) left.push(`d1_databases ${d.binding}: database_id (wrangler d1 create ${d.database_name})`);
  for (const k of e.kv_namespaces ?? []) if (/^REPLACE_WITH_/.test(k.id)) left.push(`kv_namespaces ${k.binding}: id (wrangler kv namespace create ${k.binding} --env ${env})`);
  return left;
}

/** The URLs the deployed environment answers on: its routes, and workers.dev when enabled. */
export function urlsOf(config, env, deployOutput = "") {
  const e = config.env?.[env] ?? {};
  const urls = (e.routes ?? []).map((r) => `https://${String(typeof r === "string" ? r : r.pattern).replace(/\/\*$/, "")}`);
  const dev = /https:\/\/[a-z0-9.-]+\.workers\.dev/i.exec(deployOutput)?.[0];
  if (dev) urls.unshift(dev);
  else if (e.workers_dev) urls.unshift(`https://${e.name ?? config.name}.<your-subdomain>.workers.dev`);
  return urls;
}

/** The remote commands a real deploy runs, in order (for --dry-run and the docs). */
export function remotePlan(env) {
  return [
    `wrangler secret list --env ${env} --format json`,
    `wrangler d1 migrations apply DB --remote --env ${env}`,
    `wrangler deploy --env ${env}`,
  ];
}

function wrangler(args, { capture = false } = {}) {
  const r = spawnSync(process.execPath, [WRANGLER_JS, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: capture ? ["inherit", "pipe", "pipe"] : "inherit",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  if (r.status !== 0) {
    if (capture) process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}`);
    throw new Error(`wrangler ${args.join(" ")} failed (exit ${r.status})`);
  }
  return { stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Secrets of scripts/secrets.mjs not set on the environment (from `wrangler secret list` JSON). */
export function missingSecrets(secretListJson) {
  const json = /\[[\s\S]*\]/.exec(secretListJson)?.[0];
  if (!json) throw new Error("could not read `wrangler secret list` output (are you logged in? npx wrangler login)");
  const set = new Set(JSON.parse(json).map((s) => s.name));
  return SECRET_NAMES.filter((n) => !set.has(n));
}

/** gzip size of the bundled Worker in `outdir` (index.js). */
export function bundleSize(outdir) {
  const code = readFileSync(join(outdir, "index.js"));
  return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

export async function deploy(options, log = (line) => console.log(line)) {
  const config = readConfig();
  const { env, dryRun } = options;
  log(`Deploying Bot Core Edge to ${env}${dryRun ? " (dry run, offline)" : ""}`);

  const left = placeholdersLeft(config, env);
  if (left.length > 0) {
    const message = `wrangler.toml [env.${env}] still has placeholders:\n  - ${left.join("\n  - ")}\nCreate the resources and paste their ids (docs/deploy.md, "First deploy").`;
    if (!dryRun) throw new Error(message);
    log(`note: ${message}`);
  }

  log("1/4 building the dashboard (web/dist)");
  buildWeb({ quiet: true });

  if (dryRun) {
    const outdir = resolve(ROOT, options.outdir ?? join("dist-worker", env));
    log("2/4 bundling the Worker offline (wrangler deploy --dry-run)");
    wrangler(["deploy", "--dry-run", "--outdir", outdir, "--containers-rollout=none", "--env", env], { capture: true });
    const size = bundleSize(outdir);
    const within = size.gzipBytes <= BUNDLE_BUDGET_GZIP_BYTES;
    log(`bundle: ${(size.bytes / 1024).toFixed(1)} KiB, gzip ${(size.gzipBytes / 1024).toFixed(1)} KiB (budget ${BUNDLE_BUDGET_GZIP_BYTES / 1024} KiB) ${within ? "ok" : "OVER BUDGET"}`);
    if (!within) throw new Error(`the Worker bundle is ${size.gzipBytes} bytes gzip, over the ${BUNDLE_BUDGET_GZIP_BYTES}-byte budget`);
    log("3/4 a real deploy would now run:");
    for (const cmd of remotePlan(env)) log(`  ${cmd}`);
    log(`4/4 URLs: ${urlsOf(config, env).join("  ")}`);
    return { env, dryRun, outdir, size, urls: urlsOf(config, env) };
  }

  log("2/4 checking secrets");
  const missing = missingSecrets(wrangler(["secret", "list", "--env", env, "--format", "json"], { capture: true }).stdout);
  if (missing.length > 0) {
    throw new Error(`secrets not set on ${env}: ${missing.join(", ")}. Set each with:\n${missing.map((n) => `  npx wrangler secret put ${n} --env ${env}`).join("\n")}`);
  }
  log("3/4 applying D1 migrations (remote)");
  wrangler(["d1", "migrations", "apply", "DB", "--remote", "--env", env]);
  log("4/4 deploying Worker, Durable Objects, assets and the bridge container");
  const { stdout, stderr } = wrangler(["deploy", "--env", env], { capture: true });
  const output = stdout + stderr;
  process.stdout.write(output);
  const urls = urlsOf(config, env, output);
  log(`\nBot Core Edge is deployed to ${env}:\n${urls.map((u) => `  ${u}/  (dashboard)\n  ${u}/api/health`).join("\n")}`);
  return { env, dryRun, urls };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await deploy(parseArgs(process.argv.slice(2)));
  } catch (err) {
    console.error(`deploy failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
