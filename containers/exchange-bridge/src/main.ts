/**
 * Process entry point: configuration, logging, start, and a clean shutdown on SIGINT/SIGTERM
 * (stop the source, flush and close the edge socket, close the HTTP server, exit 0).
 *
 * Exit codes: 0 after a clean shutdown, 1 on bad configuration, a failed start, a shutdown
 * that hangs, or an uncaught error.
 */
import { analysisConfigFromEnv, type AnalysisConfig } from "./analysis/config";
import { startBridge, type RunningBridge } from "./bridge";
import { ConfigError, describeConfig, loadConfig, secretsOf, type BridgeConfig } from "./config";
import { createLogger, type Logger } from "./log";

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: BridgeConfig;
  let analysis: AnalysisConfig;
  try {
    config = loadConfig(process.env);
    analysis = analysisConfigFromEnv(process.env);
  } catch (err) {
    const boot = createLogger({ base: { service: "exchange-bridge" } });
    if (err instanceof ConfigError) boot.error("invalid configuration", { problems: err.problems });
    else boot.error("could not load the configuration", { err });
    process.exit(1);
  }

  const log = createLogger({
    level: config.logLevel,
    redact: secretsOf(config),
    base: { service: "exchange-bridge", bridgeId: config.bridgeId },
  });
  installCrashHandlers(log);
  log.info("starting", { config: describeConfig(config), node: process.version, pid: process.pid });

  let bridge: RunningBridge;
  try {
    bridge = await startBridge(config, { log, analysis });
  } catch (err) {
    log.error("bridge failed to start", { err });
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn("second signal during shutdown; exiting now", { signal });
      process.exit(1);
    }
    stopping = true;
    log.info("shutting down", { signal });
    setTimeout(() => {
      log.error("shutdown timed out; exiting", { timeoutMs: SHUTDOWN_TIMEOUT_MS });
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    bridge.stop().then(
      () => {
        log.info("stopped", { edge: bridge.link.state() });
        process.exit(0);
      },
      (err: unknown) => {
        log.error("shutdown failed", { err });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

function installCrashHandlers(log: Logger): void {
  process.on("uncaughtException", (err) => {
    log.error("uncaught exception; exiting", { err });
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    log.error("unhandled promise rejection; exiting", { err: reason });
    process.exit(1);
  });
}

await main();
