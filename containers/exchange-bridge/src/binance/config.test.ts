import { describe, expect, it } from "vitest";
import { ConfigError, describeConfig, loadConfig } from "../config";

const TOKEN = "s3cret-token-0123456789";

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ BRIDGE_TOKEN: TOKEN, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("Binance configuration", () => {
  it("keeps the simulator the default and Binance on testnet spot with a 5 s recvWindow", () => {
    const c = loadConfig({ BRIDGE_TOKEN: TOKEN });
    expect(c.marketSource).toBe("simulator");
    expect(c.binance).toMatchObject({
      market: "spot",
      network: "testnet",
      restUrl: "https://testnet.binance.vision",
      wsUrl: "wss://stream.testnet.binance.vision",
      futures: { restUrl: "https://testnet.binancefuture.com", wsUrl: "wss://stream.binancefuture.com" },
      recvWindow: 5000,
      intervals: ["1m"],
      streams: ["bookTicker", "aggTrade", "kline"],
    });
    expect(c.binance.symbols).toHaveLength(20);
  });

  it("selects USD-M futures on live and takes every base URL from the environment", () => {
    const c = loadConfig({
      BRIDGE_TOKEN: TOKEN,
      MARKET_SOURCE: "Binance",
      BINANCE_MARKET: "usdm",
      BINANCE_NETWORK: "live",
      BINANCE_REST_URL: "http://127.0.0.1:1001",
      BINANCE_WS_URL: "ws://127.0.0.1:1001",
      BINANCE_FUTURES_REST_URL: "http://127.0.0.1:1002",
      BINANCE_FUTURES_WS_URL: "ws://127.0.0.1:1002",
      BINANCE_RECV_WINDOW: "60000",
      BINANCE_SYMBOLS: "btcusdt, ETHUSDT,btcusdt",
      BINANCE_KLINE_INTERVALS: "1m,1h",
      BINANCE_STREAMS: "kline,depth",
    });
    expect(c.marketSource).toBe("binance");
    expect(c.binance).toMatchObject({
      market: "usdm",
      network: "live",
      restUrl: "http://127.0.0.1:1002",
      wsUrl: "ws://127.0.0.1:1002",
      spot: { restUrl: "http://127.0.0.1:1001", wsUrl: "ws://127.0.0.1:1001" },
      recvWindow: 60000,
      symbols: ["BTCUSDT", "ETHUSDT"],
      intervals: ["1m", "1h"],
      streams: ["kline", "depth"],
    });
    expect(loadConfig({ BRIDGE_TOKEN: TOKEN, BINANCE_NETWORK: "live" }).binance.restUrl).toBe("https://api.binance.com");
  });

  it("lists every bad Binance value at once", () => {
    const problems = problemsOf({
      MARKET_SOURCE: "kraken",
      BINANCE_MARKET: "coinm",
      BINANCE_RECV_WINDOW: "60001",
      BINANCE_REST_URL: "ftp://x",
      BINANCE_WS_URL: "https://not-a-websocket",
      BINANCE_SYMBOLS: "BTC-USDT",
      BINANCE_KLINE_INTERVALS: "1m,3m",
      BINANCE_STREAMS: "trades",
      EXCHANGE_KEYS_SECRET: "too-short",
    });
    const keys = problems.map((p) => p.split(":")[0]);
    expect(keys).toEqual(
      expect.arrayContaining([
        "MARKET_SOURCE",
        "BINANCE_MARKET",
        "BINANCE_RECV_WINDOW",
        "BINANCE_REST_URL",
        "BINANCE_WS_URL",
        "BINANCE_SYMBOLS",
        "BINANCE_KLINE_INTERVALS",
        "BINANCE_STREAMS",
        "EXCHANGE_KEYS_SECRET",
      ]),
    );
    expect(problems.join("\n")).not.toContain("too-short");
  });

  it("never shows the keystore secret when the configuration is logged", () => {
    const secret = "keystore-secret-0123456789abcdefghij";
    const c = loadConfig({ BRIDGE_TOKEN: TOKEN, EXCHANGE_KEYS_SECRET: secret, EXCHANGE_KEYS_VERSION: "3" });
    expect(c.exchangeKeysSecret).toBe(secret);
    expect(c.exchangeKeysVersion).toBe(3);
    const shown = JSON.stringify(describeConfig(c));
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(TOKEN);
  });
});
