import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MarketUpdate } from "@bot-core/core";
import { bridgeToken, call, openSocket, register, type TestSocket } from "../../api/test/helpers";
import { CLOSE_UNAUTHORIZED } from "../../../durable-objects/src/gateway";
import { marketFeedOf } from "../../../durable-objects/src/market-feed";

const isType = (type: string) => (f: Record<string, unknown>) => f.type === type;

function ticker(symbol: string, price: string, eventTime = Date.now()): MarketUpdate {
  return { kind: "ticker", symbol, price, bid: price, ask: price, bidQty: "1", askQty: "1", eventTime, bridgeTime: Date.now() };
}

async function connectBridge(): Promise<TestSocket> {
  const { res, socket } = await openSocket("/bridge/ws", [], { authorization: `Bearer ${bridgeToken()}` });
  expect(res.status).toBe(101);
  socket!.send({ type: "hello", bridgeId: "test-bridge", source: "simulator", symbols: ["BTCUSDT", "ETHUSDT"] });
  await socket!.next(isType("welcome"));
  return socket!;
}

async function connectClient(): Promise<{ socket: TestSocket; userId: string }> {
  const { accessToken, user } = await register();
  const { res, socket } = await openSocket("/ws", ["bot-core.v1", `bearer.${accessToken}`]);
  expect(res.status).toBe(101);
  expect(res.headers.get("sec-websocket-protocol")).toBe("bot-core.v1");
  const welcome = await socket!.next(isType("welcome"));
  expect(welcome.userId).toBe(user.id);
  return { socket: socket!, userId: user.id };
}

describe("/ws client sockets", () => {
  it("requires a WebSocket upgrade", async () => {
    const res = await call("/ws");
    expect(res.status).toBe(426);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("upgrade_required");
  });

  it("delivers bridge ticks for a subscribed channel, and not for others", async () => {
    const { socket } = await connectClient();
    socket.send({ type: "subscribe", id: "s1", channels: ["ticker:BTCUSDT"] });
    expect(await socket.next(isType("subscribed"))).toMatchObject({ id: "s1", channels: ["ticker:BTCUSDT"] });

    const bridge = await connectBridge();
    bridge.send({ type: "batch", seq: 1, sentAt: Date.now(), updates: [ticker("ETHUSDT", "3400.10"), ticker("BTCUSDT", "64000.01")] });
    const md = await socket.next(isType("md"));
    const updates = md.updates as Array<{ channel: string; price: string }>;
    expect(updates.map((u) => u.channel)).toEqual(["ticker:BTCUSDT"]);
    expect(updates[0]?.price).toBe("64000.01");

    // A subscriber arriving later gets the latest price at once.
    const late = await connectClient();
    late.socket.send({ type: "subscribe", channels: ["ticker:BTCUSDT"] });
    const snapshot = await late.socket.next(isType("md"));
    expect((snapshot.updates as Array<{ price: string }>)[0]?.price).toBe("64000.01");
    bridge.ws.close(1000);
  });

  it("keeps subscriptions when the gateway shard is evicted (hibernation)", async () => {
    const { socket } = await connectClient();
    socket.send({ type: "subscribe", channels: ["ticker:ETHUSDT"] });
    await socket.next(isType("subscribed"));
    for (let i = 0; i < Number(env.GATEWAY_SHARDS); i++) {
      const stub = env.GATEWAY.getByName(`shard-${i}`);
      await evictDurableObject(stub).catch(() => undefined); // shards that never ran cannot be evicted
    }
    await evictDurableObject(marketFeedOf(env)).catch(() => undefined);
    const bridge = await connectBridge();
    bridge.send({ type: "batch", seq: 2, sentAt: Date.now(), updates: [ticker("ETHUSDT", "3401.55")] });
    // (A snapshot of an earlier ETHUSDT price may arrive first.)
    const md = await socket.next((f) => f.type === "md" && (f.updates as Array<{ price: string }>).some((u) => u.price === "3401.55"));
    expect((md.updates as Array<{ channel: string }>).map((u) => u.channel)).toEqual(["ticker:ETHUSDT"]);
    bridge.ws.close(1000);
  });

  it("answers bad frames with error frames and keeps the socket open", async () => {
    const { socket } = await connectClient();
    socket.send("{not json");
    expect(await socket.next(isType("error"))).toMatchObject({ code: "bad_frame" });
    socket.send({ type: "subscribe", channels: ["ticker:NOPEUSDT"] });
    expect(await socket.next(isType("error"))).toMatchObject({ code: "unknown_channel" });
    socket.send({ type: "launch-missiles" });
    expect(await socket.next(isType("error"))).toMatchObject({ code: "bad_frame" });
    socket.send({ type: "subscribe", channels: ["ticker:BTCUSDT"], extra: 1 });
    expect(await socket.next(isType("error"))).toMatchObject({ code: "bad_frame" });
    socket.send("x".repeat(20_000));
    expect(await socket.next(isType("error"))).toMatchObject({ code: "frame_too_large" });
    socket.send({ type: "ping", t: 5 });
    expect(await socket.next(isType("pong"))).toMatchObject({ t: 5 });
  });

  it("accepts a token in the first frame instead of the subprotocol", async () => {
    const { accessToken, user } = await register();
    const { res, socket } = await openSocket("/ws");
    expect(res.status).toBe(101);
    socket!.send({ type: "auth", token: accessToken });
    expect(await socket!.next(isType("welcome"))).toMatchObject({ userId: user.id });
  });

  it("closes a socket whose first frame is not a valid auth frame", async () => {
    const noAuth = await openSocket("/ws");
    noAuth.socket!.send({ type: "subscribe", channels: ["ticker:BTCUSDT"] });
    expect((await noAuth.socket!.closed).code).toBe(CLOSE_UNAUTHORIZED);

    const badToken = await openSocket("/ws");
    badToken.socket!.send({ type: "auth", token: "not.a.token" });
    expect((await badToken.socket!.closed).code).toBe(CLOSE_UNAUTHORIZED);
  });
});

describe("/bridge/ws", () => {
  it("refuses a missing or wrong bridge token", async () => {
    expect((await openSocket("/bridge/ws")).res.status).toBe(401);
    expect((await openSocket("/bridge/ws", [], { authorization: "Bearer wrong-token-wrong-token" })).res.status).toBe(401);
  });

  it("answers malformed bridge frames with an error frame", async () => {
    const bridge = await connectBridge();
    bridge.send({ type: "batch", seq: 1, sentAt: Date.now(), updates: [{ kind: "ticker", symbol: "BTCUSDT", price: 1.5 }] });
    expect(await bridge.next(isType("error"))).toMatchObject({ code: "bad_frame" });
    bridge.ws.close(1000);
  });

  it("stores the latest ticker in the symbol's hub", async () => {
    const bridge = await connectBridge();
    bridge.send({ type: "batch", seq: 9, sentAt: Date.now(), updates: [ticker("SOLUSDT", "150.25")] });
    let latest = null;
    for (let i = 0; i < 50 && latest?.price !== "150.25"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      latest = await env.SYMBOL_HUB.getByName("SOLUSDT").latest();
    }
    expect(latest?.price).toBe("150.25");
    bridge.ws.close(1000);
  });
});
