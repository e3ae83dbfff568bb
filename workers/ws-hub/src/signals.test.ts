/**
 * `signals:<SYMBOL>` end to end on workerd: the bridge's socket -> MarketFeed -> SymbolHub (the
 * latest signal) and Gateway -> a subscribed client, in JSON and in MessagePack.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SignalUpdate } from "@bot-core/core";
import { signal as testSignal } from "@bot-core/realtime-client/signal-fixture";
import { bridgeToken, call, openSocket, register, type TestSocket } from "../../api/test/helpers";

const isType = (type: string) => (f: Record<string, unknown>) => f.type === type;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The realtime client's test signal, stamped by the bridge now. */
const signal = (symbol: string, closeTime: number, over: Partial<SignalUpdate> = {}): SignalUpdate => testSignal(symbol, closeTime, { bridgeTime: Date.now(), ...over });

async function connectBridge(): Promise<TestSocket> {
  const { res, socket } = await openSocket("/bridge/ws", [], { authorization: `Bearer ${bridgeToken()}` });
  expect(res.status).toBe(101);
  socket!.send({ type: "hello", bridgeId: "signal-test", source: "simulator", symbols: ["DOTUSDT", "UNIUSDT"] });
  await socket!.next(isType("welcome"));
  return socket!;
}

describe("signals:<SYMBOL>", () => {
  it("delivers every signal of a batch to a JSON subscriber (none conflated away), and nothing to others", async () => {
    const { accessToken } = await register();
    const { socket } = await openSocket("/ws", ["bot-core.v1", `bearer.${accessToken}`]);
    await socket!.next(isType("welcome"));
    socket!.send({ type: "subscribe", channels: ["signals:DOTUSDT"] });
    await socket!.next(isType("subscribed"));

    const bridge = await connectBridge();
    const t = Math.floor(Date.now() / 60_000) * 60_000 - 1;
    const first = signal("DOTUSDT", t - 60_000, { entry: "7.101", stopLoss: "7.050", takeProfit: "7.203" });
    const second = signal("DOTUSDT", t, { action: "sell", label: "Sell", entry: "7.090", stopLoss: "7.140", takeProfit: "6.990" });
    const ticker = { kind: "ticker", symbol: "DOTUSDT", price: "7.09", bid: "7.08", ask: "7.10", bidQty: "1", askQty: "1", eventTime: Date.now(), bridgeTime: Date.now() };
    bridge.send({ type: "batch", seq: 1, sentAt: Date.now(), updates: [first, ticker, signal("UNIUSDT", t, { entry: "9.500", stopLoss: "9.400", takeProfit: "9.700" }), second] });

    const got: Array<Record<string, unknown>> = [];
    while (got.length < 2) {
      const md = await socket!.next(isType("md"));
      got.push(...(md.updates as Array<Record<string, unknown>>));
    }
    expect(got.map((u) => [u.channel, u.kind, u.id, u.action])).toEqual([
      ["signals:DOTUSDT", "signal", first.id, "strong_buy"],
      ["signals:DOTUSDT", "signal", second.id, "sell"],
    ]);
    expect(got[0]).toMatchObject({ entry: "7.101", stopLoss: "7.050", takeProfit: "7.203", confidence: 0.82, modelVersion: "signal-mlp-v1", reasons: [{ source: "model" }], timingsMs: { total: 2.5 } });

    // The hub keeps the latest signal of its symbol.
    await sleep(20);
    expect((await env.SYMBOL_HUB.getByName("DOTUSDT").latestSignal())?.id).toBe(second.id);

    // A subscriber arriving later gets the last signal at once.
    const late = await register();
    const { socket: lateSocket } = await openSocket("/ws", ["bot-core.v1", `bearer.${late.accessToken}`]);
    await lateSocket!.next(isType("welcome"));
    lateSocket!.send({ type: "subscribe", channels: ["signals:DOTUSDT"] });
    const snapshot = await lateSocket!.next(isType("md"));
    expect(snapshot.updates).toEqual([expect.objectContaining({ channel: "signals:DOTUSDT", id: second.id, action: "sell" })]);
    bridge.ws.close(1000);
  });

  it("delivers a signal to a MessagePack subscriber", async () => {
    const { decode, encode } = await import("@msgpack/msgpack");
    const user = await register();
    const res = await call("/ws", { headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `bot-core.v1.msgpack, bearer.${user.accessToken}` } });
    expect(res.headers.get("sec-websocket-protocol")).toBe("bot-core.v1.msgpack");
    const ws = res.webSocket!;
    ws.accept();
    const frames: Array<Record<string, unknown>> = [];
    ws.addEventListener("message", (e) => {
      const data = e.data as Blob | ArrayBuffer;
      void (data instanceof Blob ? data.arrayBuffer() : Promise.resolve(data)).then((buf) => frames.push(decode(new Uint8Array(buf)) as Record<string, unknown>));
    });
    const next = async (type: string) => {
      for (let i = 0; i < 300; i++) {
        const f = frames.find((x) => x.type === type);
        if (f) return f;
        await sleep(10);
      }
      throw new Error(`no ${type} frame: ${JSON.stringify(frames)}`);
    };
    await next("welcome");
    ws.send(encode({ type: "subscribe", channels: ["signals:UNIUSDT"] }));
    await next("subscribed");
    const bridge = await connectBridge();
    const s = signal("UNIUSDT", Math.floor(Date.now() / 60_000) * 60_000 - 1, { entry: "9.500", stopLoss: "9.400", takeProfit: "9.700" });
    bridge.send({ type: "batch", seq: 1, sentAt: Date.now(), updates: [s] });
    const md = await next("md");
    expect(md.updates).toEqual([{ ...s, bridgeTime: expect.any(Number), channel: "signals:UNIUSDT" }]);
    ws.close(1000);
    bridge.ws.close(1000);
  });
});
