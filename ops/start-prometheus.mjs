#!/usr/bin/env node
// `npm run ops:prometheus`: Debian's Prometheus (apt-get install prometheus) against the local
// stack (`npm start`, edge on 127.0.0.1:8787), with ops/alerts.yml loaded. UI on
// http://127.0.0.1:9090. The scrape token is METRICS_TOKEN from .dev.vars, written to
// .data/prometheus/metrics-token (git-ignored) for the scrape config's credentials_file.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevVars } from "../scripts/dev-vars.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
if (spawnSync(BIN, ["--version"], { stdio: "ignore" }).status !== 0) {
  console.error(`${BIN} not found: apt-get install -y prometheus (Debian ships prometheus and promtool)`);
  process.exit(1);
}
const dataDir = join(ROOT, ".data", "prometheus");
mkdirSync(join(dataDir, "tsdb"), { recursive: true });
const { METRICS_TOKEN } = ensureDevVars(ROOT);
writeFileSync(join(dataDir, "metrics-token"), METRICS_TOKEN, { mode: 0o600 });
const args = [
  `--config.file=${join(ROOT, "ops", "prometheus.yml")}`,
  `--storage.tsdb.path=${join(dataDir, "tsdb")}`,
  "--storage.tsdb.retention.time=2d",
  `--web.listen-address=${process.env.PROMETHEUS_LISTEN ?? "127.0.0.1:9090"}`,
];
console.log(`prometheus ${args.join(" ")}`);
const child = spawn(BIN, args, { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
