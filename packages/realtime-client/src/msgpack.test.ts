import { decode, encode } from "@msgpack/msgpack";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRealtimeClient, type MarketFrameUpdate } from "./index";
import { msgpackCodec } from "./msgpack";
import { fakeSocketFactory, signalUpdate, tickerUpdate } from "./testing";

describe("msgpackCodec", () => {
  it("round-trips client frames as bytes and reads server frames from bytes, views and JSON text", () => {
    const bytes = msgpackCodec.encode({ type: "subscribe", channels: ["ticker:BTCUSDT"] });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(decode(bytes as Uint8Array)).toEqual({ type: "subscribe", channels: ["ticker:BTCUSDT"] });
    const frame = { type: "md", n: 1, sentAt: 9, updates: [signalUpdate()] };
    const packed = encode(frame);
    expect(msgpackCodec.decode(packed.slice().buffer)).toEqual(frame);
    const padded = new Uint8Array(packed.length + 4);
    padded.set(packed, 2);
    expect(msgpackCodec.decode(padded.subarray(2, 2 + packed.length))).toEqual(frame);
    expect(msgpackCodec.decode('{"type":"pong"}')).toEqual({ type: "pong" });
    expect(msgpackCodec.decode(Uint8Array.of(0xc1))).toBeUndefined(); // 0xc1 is never used in MessagePack
    expect(msgpackCodec.decode(42)).toBeUndefined();
  });
});

describe("createRealtimeClient with MessagePack", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const settle = () => vi.advanceTimersByTimeAsync(0);

  it("offers bot-core.v1.msgpack first, asks for ArrayBuffers, and speaks binary both ways", async () => {
    const sockets = fakeSocketFactory();
    const got: MarketFrameUpdate[] = [];
    const client = createRealtimeClient({ url: "ws://edge.test/ws", getToken: async () => "tok", createSocket: sockets.create, codec: msgpackCodec });
    client.on("market", ({ updates }) => got.push(...updates));
    client.subscribe(["signals:BTCUSDT"]);
    client.connect();
    await settle();
    const ws = sockets.last();
    expect(ws.protocols).toEqual(["bot-core.v1.msgpack", "bot-core.v1", "bearer.tok"]);
    expect(ws.binaryType).toBe("arraybuffer");
    ws.serverOpen("bot-core.v1.msgpack");
    ws.serverSend(encode({ type: "welcome", v: 1, userId: "u", serverTime: 1, heartbeatMs: 30_000 }).slice().buffer);
    expect(client.state).toBe("open");
    expect(ws.binaryFrames().map((b) => decode(b))).toEqual([{ type: "subscribe", channels: ["signals:BTCUSDT"] }]);
    ws.serverSend(encode({ type: "md", n: 1, sentAt: 3, updates: [signalUpdate(), tickerUpdate("1.5")] }).slice().buffer);
    expect(got.map((u) => u.kind)).toEqual(["signal", "ticker"]);
    ws.serverSend(Uint8Array.of(0xc1).buffer); // garbage: ignored
    expect(client.state).toBe("open");
  });

  it("falls back to JSON text when the server selects bot-core.v1", async () => {
    const sockets = fakeSocketFactory();
    const client = createRealtimeClient({ url: "ws://edge.test/ws", getToken: async () => "tok", createSocket: sockets.create, codec: msgpackCodec });
    client.subscribe(["ticker:BTCUSDT"]);
    client.connect();
    await settle();
    const ws = sockets.last();
    ws.serverOpen("bot-core.v1");
    ws.serverSend({ type: "welcome", v: 1, userId: "u", serverTime: 1, heartbeatMs: 30_000 });
    expect(ws.frames()).toEqual([{ type: "subscribe", channels: ["ticker:BTCUSDT"] }]);
  });
});
