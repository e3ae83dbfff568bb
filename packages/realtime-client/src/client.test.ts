import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSocketFactory, signalUpdate, tickerUpdate } from "./testing";
import {
  backoffDelay,
  BACKOFF_MAX_MS,
  createRealtimeClient,
  socketUrlFor,
  parseServerFrame,
  type MarketFrameUpdate,
  type PrivateEventDelivery,
  type RealtimeOptions,
} from "./index";

describe("backoffDelay", () => {
  it("doubles from 1 s and caps at 30 s without jitter", () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((a) => backoffDelay(a, none))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it("adds up to 20% jitter on top of the base delay", () => {
    expect(backoffDelay(0, () => 0.5)).toBe(1_100);
    expect(backoffDelay(3, () => 0.999)).toBe(9_598);
    expect(backoffDelay(10, () => 1)).toBe(BACKOFF_MAX_MS * 1.2);
  });
});

describe("socketUrlFor", () => {
  it("follows the page's protocol", () => {
    expect(socketUrlFor({ protocol: "https:", host: "app.example.com" })).toBe("wss://app.example.com/ws");
    expect(socketUrlFor({ protocol: "http:", host: "127.0.0.1:8787" })).toBe("ws://127.0.0.1:8787/ws");
  });
});

describe("parseServerFrame", () => {
  it("reads welcome, md and error frames", () => {
    expect(parseServerFrame(JSON.stringify({ type: "welcome", v: 1, userId: "u", serverTime: 5, heartbeatMs: 30000 }))).toEqual({
      type: "welcome",
      userId: "u",
      serverTime: 5,
      heartbeatMs: 30000,
    });
    const md = parseServerFrame(JSON.stringify({ type: "md", sentAt: 9, updates: [tickerUpdate("64123.45")] }));
    expect(md).toEqual({ type: "md", sentAt: 9, updates: [tickerUpdate("64123.45")] });
    expect(parseServerFrame('{"type":"error","code":"unknown_channel","message":"nope"}')).toEqual({
      type: "error",
      code: "unknown_channel",
      message: "nope",
    });
  });

  it("ignores malformed frames and unknown types", () => {
    expect(parseServerFrame("not json")).toBeNull();
    expect(parseServerFrame("[1,2]")).toBeNull();
    expect(parseServerFrame('{"type":"surprise"}')).toBeNull();
    expect(parseServerFrame('{"no":"type"}')).toBeNull();
    expect(parseServerFrame('{"type":"md","sentAt":"soon","updates":[]}')).toBeNull();
    expect(parseServerFrame('{"type":"welcome"}')).toBeNull();
    expect(parseServerFrame(new ArrayBuffer(4))).toBeNull();
  });

  it("drops market updates whose prices are not decimal strings, keeping the rest", () => {
    const frame = parseServerFrame(
      JSON.stringify({
        type: "md",
        sentAt: 1,
        updates: [
          tickerUpdate("1e5"),
          tickerUpdate("64000.10", { price: 64000.1 }),
          tickerUpdate("64000.20", { kind: "mystery" }),
          tickerUpdate("64000.30"),
        ],
      }),
    );
    expect(frame?.type).toBe("md");
    expect(frame && frame.type === "md" ? frame.updates.map((u) => (u.kind === "ticker" ? u.price : "")) : []).toEqual(["64000.30"]);
  });
});

describe("createRealtimeClient", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(overrides: Partial<RealtimeOptions> = {}) {
    const sockets = fakeSocketFactory();
    const getToken = vi.fn(async (force: boolean) => (force ? "fresh-token" : "token"));
    const onMarket = vi.fn<(updates: MarketFrameUpdate[], sentAt: number) => void>();
    const onServerError = vi.fn();
    const client = createRealtimeClient({
      url: "ws://edge.test/ws",
      getToken,
      createSocket: sockets.create,
      onMarket,
      onServerError,
      random: () => 0,
      ...overrides,
    });
    return { client, sockets, getToken, onMarket, onServerError };
  }

  /** Lets the client's awaited token lookup finish. */
  const settle = () => vi.advanceTimersByTimeAsync(0);

  /** `setup()`, then connected: the token fetched, the socket opened and welcomed (`ws`). */
  async function connected(overrides: Partial<RealtimeOptions> = {}) {
    const parts = setup(overrides);
    parts.client.connect();
    await settle();
    const ws = parts.sockets.last();
    ws.accept();
    return { ...parts, ws };
  }

  it("opens with the subprotocol and the bearer token, and is open after the welcome", async () => {
    const { client, sockets } = setup();
    expect(client.state).toBe("closed");
    client.connect();
    expect(client.state).toBe("connecting");
    await settle();
    const ws = sockets.last();
    expect(ws.url).toBe("ws://edge.test/ws");
    expect(ws.protocols).toEqual(["bot-core.v1", "bearer.token"]);
    ws.serverOpen();
    expect(client.state).toBe("connecting");
    ws.serverSend({ type: "welcome", v: 1, userId: "u1", serverTime: 1, heartbeatMs: 30000 });
    expect(client.state).toBe("open");
  });

  it("subscribes after the welcome, and sends later subscriptions at once", async () => {
    const { client, sockets } = setup();
    client.subscribe(["ticker:BTCUSDT"]);
    client.connect();
    await settle();
    const ws = sockets.last();
    ws.accept();
    expect(ws.frames()).toEqual([{ type: "subscribe", channels: ["ticker:BTCUSDT"] }]);
    client.subscribe(["ticker:BTCUSDT", "ticker:ETHUSDT"]);
    expect(ws.frames().at(-1)).toEqual({ type: "subscribe", channels: ["ticker:ETHUSDT"] });
    client.unsubscribe(["ticker:ETHUSDT"]);
    expect(ws.frames().at(-1)).toEqual({ type: "unsubscribe", channels: ["ticker:ETHUSDT"] });
  });

  it("hands valid market updates to onMarket and ignores unknown or broken frames", async () => {
    const { client, onMarket, onServerError, ws } = await connected();
    ws.serverSend({ type: "subscribed", channels: ["ticker:BTCUSDT"] });
    ws.serverSend({ type: "something-new", data: 1 });
    ws.serverSend("{broken");
    ws.serverSend({ type: "md", sentAt: 42, updates: [tickerUpdate("64123.45"), { kind: "ticker", price: 1 }] });
    expect(onMarket).toHaveBeenCalledTimes(1);
    expect(onMarket).toHaveBeenCalledWith([tickerUpdate("64123.45")], 42);
    expect(onServerError).not.toHaveBeenCalled();
    expect(client.state).toBe("open");
  });

  it("reports server errors", async () => {
    const { client, sockets, onServerError } = setup();
    client.connect();
    await settle();
    sockets.last().accept();
    sockets.last().serverSend({ type: "error", code: "unknown_channel", message: "unknown channel (expected e.g. ticker:BTCUSDT)" });
    expect(onServerError).toHaveBeenCalledWith({ code: "unknown_channel", message: "unknown channel (expected e.g. ticker:BTCUSDT)" });
    expect(client.lastError).toBe("unknown channel (expected e.g. ticker:BTCUSDT)");
  });

  it("reconnects on 1, 2, 4, 8 … 30 s while connections keep failing", async () => {
    const { client, sockets } = setup();
    client.connect();
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      sockets.last().serverClose(1006);
      expect(client.state).toBe("reconnecting");
      const before = sockets.sockets.length;
      let waited = 0;
      while (sockets.sockets.length === before) {
        await vi.advanceTimersByTimeAsync(500);
        waited += 500;
        if (waited > 60_000) throw new Error("no reconnect within 60 s");
      }
      delays.push(waited);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it("starts the schedule again after a welcomed connection", async () => {
    const { client, sockets } = setup();
    client.connect();
    await settle();
    sockets.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    sockets.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sockets.sockets).toHaveLength(3);
    sockets.last().accept();
    sockets.last().serverClose(1001);
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets.sockets).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets.sockets).toHaveLength(4);
  });

  it("resubscribes its channels on the new connection", async () => {
    const { client, sockets } = setup();
    client.subscribe(["ticker:BTCUSDT"]);
    client.connect();
    await settle();
    sockets.last().accept();
    sockets.last().serverClose(1001);
    await vi.advanceTimersByTimeAsync(1_000);
    const second = sockets.last();
    expect(sockets.sockets).toHaveLength(2);
    second.accept();
    expect(second.frames()).toEqual([{ type: "subscribe", channels: ["ticker:BTCUSDT"] }]);
    expect(client.state).toBe("open");
  });

  it.each([4401, 1008])("asks for a refreshed token after close code %i", async (code) => {
    const { client, sockets, getToken } = setup();
    client.connect();
    await settle();
    expect(getToken).toHaveBeenLastCalledWith(false);
    sockets.last().accept();
    sockets.last().serverClose(code, "token expired");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(getToken).toHaveBeenLastCalledWith(true);
    expect(sockets.last().protocols).toEqual(["bot-core.v1", "bearer.fresh-token"]);
  });

  it("does not refresh the token for an ordinary drop", async () => {
    const { client, sockets, getToken } = setup();
    client.connect();
    await settle();
    sockets.last().accept();
    sockets.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(getToken.mock.calls).toEqual([[false], [false]]);
  });

  it("refreshes the token after two handshakes fail in a row (a refused upgrade looks like that)", async () => {
    const { client, sockets, getToken } = setup();
    client.connect();
    await settle();
    sockets.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    sockets.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(getToken.mock.calls).toEqual([[false], [false], [true]]);
  });

  it("stops, closed, when there is no token (signed out)", async () => {
    const { client, sockets } = setup({ getToken: async () => null });
    client.connect();
    await settle();
    expect(sockets.sockets).toHaveLength(0);
    expect(client.state).toBe("closed");
  });

  it("keeps retrying when getting a token fails", async () => {
    let calls = 0;
    const { client, sockets } = setup({
      getToken: async () => {
        calls++;
        if (calls === 1) throw new Error("offline");
        return "token";
      },
    });
    client.connect();
    await settle();
    expect(client.state).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sockets.sockets).toHaveLength(1);
  });

  it("sends a ping every 30 s while open", async () => {
    const { ws } = await connected();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(ws.frames()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ws.frames()).toEqual([{ type: "ping" }]);
    ws.serverSend({ type: "pong" });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(ws.frames()).toEqual([{ type: "ping" }, { type: "ping" }]);
  });

  it("drops a connection that stays silent for two heartbeats and reconnects", async () => {
    const { client, sockets, ws } = await connected();
    await vi.advanceTimersByTimeAsync(90_000);
    expect(ws.closedWith?.code).toBe(4000);
    expect(client.state).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sockets.sockets).toHaveLength(2);
  });

  it("close() closes the socket and never reconnects", async () => {
    const { client, sockets, ws } = await connected();
    client.close();
    expect(client.state).toBe("closed");
    expect(ws.closedWith).toEqual({ code: 1000, reason: "client closed" });
    ws.serverClose(1000);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sockets.sockets).toHaveLength(1);
    expect(client.state).toBe("closed");
  });

  it("close() while the token is being fetched opens nothing, and connect() works again afterwards", async () => {
    const { client, sockets } = setup();
    client.connect();
    client.close();
    await settle();
    expect(sockets.sockets).toHaveLength(0);
    expect(client.state).toBe("closed");
    client.connect();
    await settle();
    expect(sockets.sockets).toHaveLength(1);
    sockets.last().accept();
    expect(client.state).toBe("open");
  });

  it("reconnectNow skips the remaining backoff", async () => {
    const { client, sockets } = setup();
    client.connect();
    await settle();
    sockets.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets.sockets).toHaveLength(1);
    client.reconnectNow();
    await settle();
    expect(sockets.sockets).toHaveLength(2);
  });

  it("acknowledges market data every 100 frames", async () => {
    const { ws } = await connected();
    for (let n = 1; n <= 250; n++) ws.serverSend({ type: "md", n, sentAt: 1, updates: [tickerUpdate("64000.1")] });
    expect(ws.frames().filter((f) => (f as { type: string }).type === "ack")).toEqual([
      { type: "ack", md: 100 },
      { type: "ack", md: 200 },
    ]);
  });

  it("hands private events over once, in order, acknowledges them, and resumes on a gap and after a reconnect", async () => {
    const onEvent = vi.fn();
    const { sockets, ws } = await connected({ onEvent, sessionId: "tab-test-0001" });
    const ev = (seq: number) => ({ type: "event", seq, event: { type: "order.filled", ts: 1, payload: { seq } } });
    ws.serverSend(ev(7));
    ws.serverSend(ev(8));
    ws.serverSend(ev(8)); // a resend
    ws.serverSend(ev(10)); // 9 is missing
    expect(onEvent.mock.calls.map((c) => (c[0] as { seq: number }).seq)).toEqual([7, 8]);
    const sent = ws.frames();
    expect(sent).toContainEqual({ type: "ack", seq: 7 });
    expect(sent).toContainEqual({ type: "ack", seq: 8 });
    expect(sent.at(-1)).toEqual({ type: "resume", sessionId: "tab-test-0001", lastSeq: 8 });
    ws.serverSend({ ...ev(9), replay: true });
    ws.serverSend({ ...ev(10), replay: true });
    ws.serverSend({ type: "resumed", sessionId: "tab-test-0001", lastSeq: 8, replayed: 2, channels: [], more: false });
    expect(onEvent.mock.calls.map((c) => (c[0] as { seq: number }).seq)).toEqual([7, 8, 9, 10]);

    ws.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1_000);
    const next = sockets.last();
    expect(next).not.toBe(ws);
    next.accept();
    expect(next.frames()).toContainEqual({ type: "resume", sessionId: "tab-test-0001", lastSeq: 10 });
  });
});


describe("createRealtimeClient: listeners, signals, resume point", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const settle = () => vi.advanceTimersByTimeAsync(0);

  it("tells state listeners every change, and stops telling after the returned function is called", async () => {
    const sockets = fakeSocketFactory();
    const client = createRealtimeClient({ url: "ws://edge.test/ws", getToken: async () => "t", createSocket: sockets.create, random: () => 0 });
    const seen: string[] = [];
    const stop = client.on("state", (s) => seen.push(`${s.state}/${s.lastError ?? "-"}`));
    client.connect();
    await settle();
    sockets.last().accept();
    sockets.last().serverClose(1006);
    sockets.last().serverSend({ type: "error", code: "bad_frame", message: "ignored: the socket is gone" });
    stop();
    await vi.advanceTimersByTimeAsync(1_000);
    sockets.last().accept();
    expect(seen).toEqual(["connecting/-", "open/-", "reconnecting/-"]);
    expect(client.state).toBe("open");
  });

  it("hands signal updates, typed, to market listeners next to tickers", async () => {
    const sockets = fakeSocketFactory();
    const client = createRealtimeClient({ url: "ws://edge.test/ws", getToken: async () => "t", createSocket: sockets.create });
    const got: MarketFrameUpdate[] = [];
    client.on("market", ({ updates }) => got.push(...updates));
    client.subscribe(["signals:BTCUSDT"]);
    client.connect();
    await settle();
    sockets.last().accept();
    expect(sockets.last().frames()).toEqual([{ type: "subscribe", channels: ["signals:BTCUSDT"] }]);
    sockets.last().serverSend({ type: "md", n: 1, sentAt: 5, updates: [signalUpdate(), tickerUpdate("64000.1"), signalUpdate({ entry: 64000.1 })] });
    expect(got.map((u) => u.kind)).toEqual(["signal", "ticker"]);
    const s = got[0];
    if (s?.kind !== "signal") throw new Error("expected a signal first");
    expect([s.action, s.confidence, s.entry, s.stopLoss, s.takeProfit, s.modelVersion, s.reasons[0]?.name]).toEqual(["strong_buy", 0.82, "64000.10", "63850.00", "64300.30", "signal-mlp-v1", "signal-mlp-v1"]);
  });

  it("starts from a given lastSeq: resumes at once on connect and marks replayed events", async () => {
    const sockets = fakeSocketFactory();
    const events: PrivateEventDelivery[] = [];
    const client = createRealtimeClient({ url: "ws://edge.test/ws", getToken: async () => "t", createSocket: sockets.create, sessionId: "node-session-1", lastSeq: 41 });
    const resumed = vi.fn();
    client.on("event", (e) => events.push(e));
    client.on("resumed", resumed);
    client.connect();
    await settle();
    const ws = sockets.last();
    ws.accept();
    expect(ws.frames()).toEqual([{ type: "resume", sessionId: "node-session-1", lastSeq: 41 }]);
    ws.serverSend({ type: "event", seq: 42, event: { type: "order.filled", ts: 1, payload: {} }, replay: true });
    ws.serverSend({ type: "resumed", sessionId: "node-session-1", lastSeq: 41, replayed: 1, channels: ["ticker:BTCUSDT"], more: false });
    ws.serverSend({ type: "event", seq: 43, event: { type: "bot.decision", ts: 2, payload: { taken: true } } });
    expect(events.map((e) => [e.seq, e.type, e.replay])).toEqual([
      [42, "order.filled", true],
      [43, "bot.decision", false],
    ]);
    expect(resumed).toHaveBeenCalledWith({ lastSeq: 41, replayed: 1, channels: ["ticker:BTCUSDT"] });
    expect(client.lastSeq).toBe(43);
    expect(ws.frames().slice(1)).toEqual([
      { type: "ack", seq: 42 },
      { type: "ack", seq: 43 },
    ]);
  });

  it("acknowledges the market data received at once on a slow-consumer warning", async () => {
    const sockets = fakeSocketFactory();
    const client = createRealtimeClient({ url: "ws://edge.test/ws", getToken: async () => "t", createSocket: sockets.create });
    const warnings = vi.fn();
    client.on("warning", warnings);
    client.connect();
    await settle();
    const ws = sockets.last();
    ws.accept();
    for (let n = 1; n <= 130; n++) ws.serverSend({ type: "md", n, sentAt: 1, updates: [] });
    ws.serverSend({ type: "warning", code: "slow_consumer", message: "falling behind" });
    expect(ws.frames()).toEqual([
      { type: "ack", md: 100 },
      { type: "ack", md: 130 },
    ]);
    expect(warnings).toHaveBeenCalledWith({ code: "slow_consumer", message: "falling behind" });
  });
});
