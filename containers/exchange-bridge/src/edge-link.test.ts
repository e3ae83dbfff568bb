import { BRIDGE_WS_PATH, type KlineUpdate, type MarketUpdate, type TickerUpdate } from "@bot-core/core";
import { afterEach, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { bridgeSocketUrl, EdgeLink, type EdgeLinkOptions } from "./edge-link";
import { createLogger } from "./log";
import { startFakeEdge, waitFor, type FakeEdge, type FakeEdgeOptions } from "./testing/fake-edge";

const TOKEN = "test-bridge-token-0123456789";
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

const cleanups: Array<() => Promise<void> | void> = [];
const edges: FakeEdge[] = [];

afterEach(async () => {
  for (const edge of edges.splice(0)) expect(edge.invalidFrames).toEqual([]);
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startEdge(options: FakeEdgeOptions = {}): Promise<FakeEdge> {
  const edge = await startFakeEdge({ token: TOKEN, ...options });
  cleanups.push(() => edge.close());
  edges.push(edge);
  return edge;
}

function startLink(edgeUrl: string, overrides: Partial<EdgeLinkOptions> = {}) {
  const lines: string[] = [];
  const link = new EdgeLink({
    edgeUrl,
    token: TOKEN,
    bridgeId: "bridge-test",
    source: "simulator",
    symbols: SYMBOLS,
    batchIntervalMs: 10,
    backoff: { initialMs: 10, maxMs: 40, jitter: 0.2 },
    heartbeatMs: 0,
    log: createLogger({ level: "debug", write: (l) => lines.push(l) }),
    ...overrides,
  });
  cleanups.push(() => link.close(500));
  link.start();
  const logs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { link, lines, logs };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ticker(symbol: string, price: string, t = 1_700_000_000_000): TickerUpdate {
  return { kind: "ticker", symbol, price, bid: price, ask: price, bidQty: "1.0", askQty: "1.0", eventTime: t, bridgeTime: t };
}

function kline(symbol: string, minute: number, closed: boolean, close = "100.00"): KlineUpdate {
  const openTime = 1_700_000_040_000 + minute * 60_000;
  return {
    kind: "kline",
    symbol,
    interval: "1m",
    openTime,
    closeTime: openTime + 59_999,
    open: close,
    high: close,
    low: close,
    close,
    volume: "1.0",
    closed,
    eventTime: openTime + 60_000,
    bridgeTime: openTime + 60_000,
  };
}

const describeUpdate = (u: MarketUpdate) =>
  u.kind === "ticker" ? `T ${u.symbol} ${u.price}` : u.kind === "signal" ? `S ${u.id}` : `K ${u.symbol} ${u.openTime} ${u.close} ${u.closed ? "closed" : "open"}`;

// ---------------------------------------------------------------------------------------------

describe("bridgeSocketUrl", () => {
  it("turns the edge URL into the bridge socket URL", () => {
    expect(bridgeSocketUrl("http://127.0.0.1:8787")).toBe("ws://127.0.0.1:8787/bridge/ws");
    expect(bridgeSocketUrl("https://edge.example.com/")).toBe("wss://edge.example.com/bridge/ws");
    expect(bridgeSocketUrl("https://example.com/prefix/")).toBe("wss://example.com/prefix/bridge/ws");
    expect(bridgeSocketUrl("wss://edge.example.com")).toBe("wss://edge.example.com/bridge/ws");
    expect(() => bridgeSocketUrl("ftp://x")).toThrow();
  });
});

describe("EdgeLink", () => {
  it("authenticates with the bearer token, says hello, then sends valid batch frames", async () => {
    const edge = await startEdge();
    const { link } = startLink(edge.url, { now: () => 1_700_000_000_123 });
    await waitFor(() => edge.connections[0]?.frames.length === 1, "hello");
    const conn = edge.connections[0]!;
    expect(conn.request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(conn.request.url).toBe(BRIDGE_WS_PATH);
    expect(conn.frames[0]).toEqual({ type: "hello", bridgeId: "bridge-test", source: "simulator", symbols: SYMBOLS });
    expect(link.state().connected).toBe(true);

    link.push(ticker("BTCUSDT", "64000.00"));
    await waitFor(() => edge.batches().length === 1, "first batch");
    link.push(ticker("ETHUSDT", "3400.00"));
    await waitFor(() => edge.batches().length === 2, "second batch");

    const [b0, b1] = edge.batches();
    expect(b0).toMatchObject({ seq: 0, sentAt: 1_700_000_000_123 });
    expect(b1).toMatchObject({ seq: 1 });
    expect(b0!.updates).toEqual([{ ...ticker("BTCUSDT", "64000.00"), bridgeTime: 1_700_000_000_123 }]);
    expect(link.state()).toMatchObject({ batchesSent: 2, updatesSent: 2, lastSentAt: 1_700_000_000_123, pending: 0 });
  });

  it("does not connect with a wrong token (the fake edge checks it)", async () => {
    const edge = await startEdge();
    const { link, logs } = startLink(edge.url, { token: "wrong-token-but-long-enough" });
    await waitFor(() => edge.attempts.length >= 2, "two attempts");
    expect(edge.connections).toHaveLength(0);
    expect(link.state().connected).toBe(false);
    expect(logs().some((l) => l.level === "error" && l.msg === "edge rejected the bridge credentials; check BRIDGE_TOKEN")).toBe(true);
  });

  it("conflates a window to the latest ticker per symbol and keeps every closed candle", async () => {
    const edge = await startEdge();
    const { link } = startLink(edge.url, { batchIntervalMs: 100 });
    await waitFor(() => edge.connections[0]?.frames.length === 1, "hello");
    // All pushed in one synchronous run: they land in the same window.
    for (let i = 0; i < 100; i++) link.push(ticker("BTCUSDT", `${64000 + i}.00`));
    for (let i = 0; i < 10; i++) link.push(ticker("ETHUSDT", `${3400 + i}.00`));
    link.push(kline("BTCUSDT", 0, false, "1.00"));
    link.push(kline("BTCUSDT", 0, true, "2.00"));
    link.push(kline("BTCUSDT", 1, false, "3.00"));
    link.push(kline("BTCUSDT", 1, true, "4.00"));
    link.push(kline("BTCUSDT", 2, false, "5.00"));
    link.push(kline("BTCUSDT", 2, false, "6.00"));
    await waitFor(() => edge.batches().length >= 1, "a batch");
    await sleep(150);
    const sent = edge.batches().flatMap((b) => b.updates);
    expect(sent.map(describeUpdate)).toEqual([
      `K BTCUSDT 1700000040000 2.00 closed`,
      `K BTCUSDT 1700000100000 4.00 closed`,
      "T BTCUSDT 64099.00",
      "T ETHUSDT 3409.00",
      `K BTCUSDT 1700000160000 6.00 open`,
    ]);
    expect(link.state().updatesSent).toBe(5);
  });

  it("keeps the latest state while the edge is unreachable and delivers it on connect", async () => {
    const probe = await startEdge();
    const port = probe.port;
    await probe.close(); // nothing listens on the port now: connections are refused
    const { link, logs } = startLink(`http://127.0.0.1:${port}`);
    await waitFor(() => link.state().reconnects >= 2, "retries against a closed port");
    for (let i = 0; i < 50; i++) link.push(ticker("BTCUSDT", `${i}.00`));
    link.push(kline("ETHUSDT", 0, true));
    expect(link.state().pending).toBe(2);

    const edge = await startEdge({ port });
    await waitFor(() => edge.batches().length >= 1, "delivery after the edge came up");
    expect(edge.connections[0]!.frames[0]!.type).toBe("hello");
    expect(edge.batches()[0]!.updates.map(describeUpdate)).toEqual([`K ETHUSDT 1700000040000 100.00 closed`, "T BTCUSDT 49.00"]);
    expect(logs().some((l) => l.msg === "edge link error")).toBe(true);
  });

  it("reconnects after the edge drops the socket, says hello again and goes on sending", async () => {
    const edge = await startEdge({
      onConnection: (c) => {
        if (edge.connections.length === 1) c.socket.once("message", () => c.socket.terminate());
      },
    });
    const { link } = startLink(edge.url);
    await waitFor(() => edge.connections.length === 2 && edge.connections[1]!.frames.length === 1, "second connection + hello");
    expect(edge.connections[1]!.frames[0]).toMatchObject({ type: "hello", bridgeId: "bridge-test" });
    expect(link.state().reconnects).toBeGreaterThanOrEqual(1);
    link.push(ticker("BTCUSDT", "1.00"));
    await waitFor(() => edge.connections[1]!.frames.length === 2, "batch on the new connection");
    expect(link.state().connected).toBe(true);
  });

  it("backs off exponentially with bounded jitter while the edge refuses", async () => {
    const edge = await startEdge({ accept: () => false });
    const { link, logs } = startLink(edge.url, { random: () => 0.999_999 });
    await waitFor(() => edge.attempts.length >= 6, "six attempts");
    await link.close();
    const delays = logs()
      .filter((l) => l.msg === "edge link reconnect scheduled")
      .map((l) => l.delayMs as number);
    expect(delays.slice(0, 5)).toEqual([12, 24, 48, 48, 48]); // 10, 20, 40 (cap) ms, +20 % jitter
    expect(Math.max(...delays)).toBeLessThanOrEqual(48);
    // The server saw the attempts no faster than the schedule.
    const gaps = edge.attempts.slice(1).map((t, i) => t - edge.attempts[i]!);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(delays[i]! - 2));
  });

  it("keeps backing off when the edge drops the bridge right after accepting it", async () => {
    const edge = await startEdge({ onConnection: (c) => c.socket.once("message", () => c.socket.close(1011, "nope")) });
    const { link, logs } = startLink(edge.url, { random: () => 0, stableAfterMs: 60_000 });
    await waitFor(() => edge.connections.length >= 4, "four connections");
    await link.close();
    const delays = logs()
      .filter((l) => l.msg === "edge link reconnect scheduled")
      .map((l) => l.delayMs);
    expect(delays.slice(0, 3)).toEqual([10, 20, 40]);
    expect(logs().find((l) => l.msg === "edge link lost")).toMatchObject({ level: "warn", code: 1011, reason: "nope" });
  });

  it("starts the backoff over after a connection that stayed up", async () => {
    const edge = await startEdge({ onConnection: (c) => c.socket.once("message", () => setTimeout(() => c.socket.terminate(), 30)) });
    const { link, logs } = startLink(edge.url, { random: () => 0, stableAfterMs: 20 });
    await waitFor(() => edge.connections.length >= 4, "four connections");
    await link.close();
    const delays = logs()
      .filter((l) => l.msg === "edge link reconnect scheduled")
      .map((l) => l.delayMs);
    expect(delays.slice(0, 3)).toEqual([10, 10, 10]);
  });

  it("logs the edge's error frames and ignores invalid ones without dropping the connection", async () => {
    const edge = await startEdge({
      onConnection: (c) => {
        c.socket.send(JSON.stringify({ type: "welcome", serverTime: Date.now() }));
        c.socket.send(JSON.stringify({ type: "error", code: "bad_frame", message: "updates[0].price: invalid" }));
        c.socket.send("not json at all");
        c.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      },
    });
    const { link, logs } = startLink(edge.url);
    await waitFor(() => logs().filter((l) => String(l.msg).startsWith("edge sent")).length === 2, "the bad frames");
    expect(logs().find((l) => l.msg === "edge welcomed the bridge")).toMatchObject({ level: "info" });
    expect(logs().find((l) => l.msg === "edge reported an error")).toMatchObject({
      level: "error",
      code: "bad_frame",
      message: "updates[0].price: invalid",
    });
    link.push(ticker("BTCUSDT", "1.00"));
    await waitFor(() => edge.batches().length === 1, "a batch after the bad frames");
    expect(edge.connections).toHaveLength(1);
  });

  it("drops a connection whose pongs stop and reconnects", async () => {
    const edge = await startEdge({ server: { autoPong: false } });
    const { logs } = startLink(edge.url, { heartbeatMs: 25 });
    await waitFor(() => edge.connections.length >= 2, "a reconnect after the heartbeat timeout");
    expect(logs().some((l) => l.msg === "edge link heartbeat timed out; dropping the connection")).toBe(true);
  });

  it("holds updates back while the edge reads slowly, then delivers every closed candle in order", async () => {
    const edge = await startEdge({ onConnection: (c) => c.socket.once("message", () => getRawSocket(c.socket).pause()) });
    const { link, logs } = startLink(edge.url, { maxBufferedBytes: 256 * 1024, maxPendingClosed: 100_000 });
    await waitFor(() => edge.connections[0]?.frames.length === 1, "hello");
    const total = 60_000; // ~16 MB of JSON: more than the kernel's socket buffers hold
    for (let i = 0; i < total; i++) link.push(kline("BTCUSDT", i, true));
    await waitFor(() => logs().some((l) => l.msg === "edge is reading slowly; holding updates back"), "hold-back");
    await sleep(50);
    const held = link.state().pending;
    expect(held).toBeGreaterThan(0);

    getRawSocket(edge.connections[0]!.socket).resume();
    await waitFor(() => edge.batches().reduce((n, b) => n + b.updates.length, 0) === total, "all candles", 10_000);
    const minutes = edge.batches().flatMap((b) => b.updates.map((u) => (u as KlineUpdate).openTime));
    expect(minutes).toEqual(Array.from({ length: total }, (_, i) => 1_700_000_040_000 + i * 60_000));
    expect(link.state()).toMatchObject({ pending: 0, droppedClosedKlines: 0, updatesSent: total });
    expect(logs().some((l) => l.msg === "edge caught up")).toBe(true);
  }, 15_000);

  it("close() sends what is pending, closes with 1000 and stops reconnecting", async () => {
    const edge = await startEdge();
    const { link } = startLink(edge.url, { batchIntervalMs: 1_000 });
    await waitFor(() => edge.connections[0]?.frames.length === 1, "hello");
    link.push(ticker("BTCUSDT", "5.00"));
    await link.close();
    await waitFor(() => edge.connections[0]!.closeCode !== undefined, "close frame");
    expect(edge.connections[0]!.closeCode).toBe(1000);
    expect(edge.batches().flatMap((b) => b.updates).map(describeUpdate)).toEqual(["T BTCUSDT 5.00"]);
    link.push(ticker("BTCUSDT", "6.00"));
    await sleep(100);
    expect(edge.connections).toHaveLength(1);
    expect(link.state()).toMatchObject({ connected: false, pending: 0 });
    await link.close(); // idempotent
  });

  it("close() during a connection attempt resolves promptly", async () => {
    const probe = await startEdge();
    await probe.close();
    const { link } = startLink(probe.url);
    const started = Date.now();
    await link.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(link.state().connected).toBe(false);
  });

  it("never writes the token to its logs", async () => {
    const edge = await startEdge({ accept: () => false });
    const { link, lines } = startLink(edge.url);
    await waitFor(() => edge.attempts.length >= 2, "attempts");
    await link.close();
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });
});

/** The TCP socket under a server-side ws connection (to simulate a slow reader). */
function getRawSocket(ws: WebSocket): { pause(): void; resume(): void } {
  const raw = (ws as unknown as { _socket?: { pause(): void; resume(): void } })._socket;
  if (!raw) throw new Error("no underlying socket");
  return raw;
}
