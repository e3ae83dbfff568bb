import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, describeConfig, loadConfig, secretsOf } from "./config";

const TOKEN = "s3cret-token-0123456789";

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the defaults when only the token is set", () => {
    expect(loadConfig({ BRIDGE_TOKEN: TOKEN }, "/srv/bridge")).toEqual({
      port: 8788,
      host: "127.0.0.1",
      edgeUrl: "http://127.0.0.1:8787",
      bridgeToken: TOKEN,
      simSeed: 42,
      simUpdatesPerSec: 40,
      batchIntervalMs: 50,
      dataDir: path.resolve("/srv/bridge", ".data"),
      mongodbUri: undefined,
      mongodbPoolSize: 100,
      bridgeId: "bridge-local",
      logLevel: "info",
      marketSource: "simulator",
      binance: expect.objectContaining({ market: "spot", network: "testnet", recvWindow: 5000, restUrl: "https://testnet.binance.vision" }),
      exchangeKeysSecret: undefined,
      exchangeKeysVersion: 1,
      liveReconcileAfterMs: 30_000,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig(
      {
        PORT: "9000",
        HOST: "0.0.0.0",
        EDGE_URL: "https://edge.example.com",
        BRIDGE_TOKEN: TOKEN,
        SIM_SEED: "4294967295",
        SIM_UPDATES_PER_SEC: "200000",
        BATCH_INTERVAL_MS: "5",
        DATA_DIR: "/var/lib/bridge",
        BRIDGE_ID: "bridge-eu-1",
        LOG_LEVEL: "DEBUG",
        MONGODB_URI: "mongodb://db1:27017,db2:27017/records?replicaSet=rs0",
        MONGODB_POOL_SIZE: "50",
      },
      "/srv",
    );
    expect(config).toMatchObject({
      port: 9000,
      host: "0.0.0.0",
      edgeUrl: "https://edge.example.com",
      simSeed: 4294967295,
      simUpdatesPerSec: 200000,
      batchIntervalMs: 5,
      dataDir: "/var/lib/bridge",
      bridgeId: "bridge-eu-1",
      logLevel: "debug",
      mongodbUri: "mongodb://db1:27017,db2:27017/records?replicaSet=rs0",
      mongodbPoolSize: 50,
    });
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ BRIDGE_TOKEN: TOKEN, PORT: "", SIM_SEED: "" })).toMatchObject({ port: 8788, simSeed: 42 });
  });

  it("requires the token", () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/^BRIDGE_TOKEN: is required/)]);
    expect(problemsOf({ BRIDGE_TOKEN: "" })).toEqual([expect.stringMatching(/^BRIDGE_TOKEN: is required/)]);
  });

  it("rejects a short token without echoing it", () => {
    const problems = problemsOf({ BRIDGE_TOKEN: "short-secret" });
    expect(problems).toEqual(["BRIDGE_TOKEN: must be at least 16 characters"]);
    expect(problems.join()).not.toContain("short-secret");
  });

  it.each([
    ["PORT", "abc", /PORT: must be a whole number between 0 and 65535/],
    ["PORT", "65536", /PORT: must be a whole number between 0 and 65535/],
    ["PORT", "80.5", /PORT: must be a whole number/],
    ["PORT", "-1", /PORT: must be a whole number/],
    ["SIM_UPDATES_PER_SEC", "0", /SIM_UPDATES_PER_SEC: must be a whole number between 1 and 200000/],
    ["SIM_UPDATES_PER_SEC", "200001", /SIM_UPDATES_PER_SEC: must be a whole number between 1 and 200000/],
    ["SIM_UPDATES_PER_SEC", "1e3", /SIM_UPDATES_PER_SEC: must be a whole number/],
    ["BATCH_INTERVAL_MS", "4", /BATCH_INTERVAL_MS: must be a whole number between 5 and 1000/],
    ["BATCH_INTERVAL_MS", "1001", /BATCH_INTERVAL_MS: must be a whole number between 5 and 1000/],
    ["SIM_SEED", "4294967296", /SIM_SEED: must be a whole number between 0 and 4294967295/],
    ["EDGE_URL", "not a url", /EDGE_URL: must be an http\(s\) or ws\(s\) URL/],
    ["EDGE_URL", "ftp://edge", /EDGE_URL: must be an http\(s\) or ws\(s\) URL/],
    ["EDGE_URL", "https://user:pw@edge", /EDGE_URL: must be an http\(s\) or ws\(s\) URL/],
    ["BRIDGE_ID", "has space", /BRIDGE_ID: must be 1-64 characters/],
    ["BRIDGE_ID", "x".repeat(65), /BRIDGE_ID: must be 1-64 characters/],
    ["LOG_LEVEL", "verbose", /LOG_LEVEL: must be one of debug, info, warn, error/],
    ["HOST", "local host", /HOST: must be a host name or IP address/],
    ["MONGODB_URI", "postgres://db/x", /MONGODB_URI: must be a mongodb:\/\/ or mongodb\+srv:\/\/ connection string/],
    ["MONGODB_POOL_SIZE", "0", /MONGODB_POOL_SIZE: must be a whole number between 1 and 1000/],
  ])("rejects %s=%s", (name, value, message) => {
    expect(problemsOf({ BRIDGE_TOKEN: TOKEN, [name]: value })).toEqual([expect.stringMatching(message)]);
  });

  it("lists every problem at once", () => {
    const problems = problemsOf({ PORT: "x", BATCH_INTERVAL_MS: "0" });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["BATCH_INTERVAL_MS", "BRIDGE_TOKEN", "PORT"]);
  });

  it("names the variables in the error message", () => {
    expect(() => loadConfig({ PORT: "x" })).toThrow(/invalid configuration:\n {2}- PORT: .*\n {2}- BRIDGE_TOKEN: /s);
  });
});

describe("describeConfig", () => {
  it("never contains the token", () => {
    const described = describeConfig(loadConfig({ BRIDGE_TOKEN: TOKEN }));
    expect(JSON.stringify(described)).not.toContain(TOKEN);
    expect(described).toMatchObject({ bridgeToken: "[REDACTED]", port: 8788, bridgeId: "bridge-local", mongodbUri: null });
  });

  it("never contains the MongoDB URI (it may carry a password)", () => {
    const uri = "mongodb+srv://bridge:p%40ss-w0rd-123@cluster0.example.net/records";
    const config = loadConfig({ BRIDGE_TOKEN: TOKEN, MONGODB_URI: uri });
    expect(JSON.stringify(describeConfig(config))).not.toContain("p%40ss");
    expect(describeConfig(config)).toMatchObject({ mongodbUri: "[REDACTED]" });
    expect(secretsOf(config)).toEqual([TOKEN, uri, "p%40ss-w0rd-123", "p@ss-w0rd-123"]);
  });

  it("does not echo a malformed MongoDB URI", () => {
    const problems = problemsOf({ BRIDGE_TOKEN: TOKEN, MONGODB_URI: "mysql://root:hunter2-secret@db" });
    expect(problems.join()).not.toContain("hunter2");
  });
});
