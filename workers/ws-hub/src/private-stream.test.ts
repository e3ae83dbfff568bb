/**
 * The private stream and the protections of /ws, on workerd: events with the user's sequence
 * number, acks, resends (3, then wait for a resume), resume with replay and restored
 * subscriptions, slow consumers, floods. WS_RESEND_BASE_MS and WS_SLOW_CONSUMER_FRAMES are set
 * to 40 in vitest.edge.config.ts so these run in milliseconds.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuthResponse, MarketUpdate, TickerUpdate } from "@bot-core/core";
import { call, openSocket, register, type TestSocket, publishTicker } from "../../api/test/helpers";
import { CLOSE_POLICY, CLOSE_SLOW_CONSUMER } from "../../../durable-objects/src/gateway";
import { shardOf } from "./index";

type Frame = Record<string, unknown>;
const isType = (type: string) => (f: Frame) => f.type === type;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setPrice(symbol: string, price: string): Promise<void> {
  const t: TickerUpdate = { kind: "ticker", symbol, price, bid: price, ask: price, bidQty: "100", askQty: "100", eventTime: Date.now(), bridgeTime: Date.now() };
  await publishTicker(t);
}

async function connect(user: AuthResponse): Promise<TestSocket> {
  const { res, socket } = await openSocket("/ws", ["bot-core.v1", `bearer.${user.accessToken}`]);
  expect(res.status).toBe(101);
  await socket!.next(isType("welcome"));
  return socket!;
}

const buy = (user: AuthResponse, quantity = "0.001") =>
  call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", quantity }, headers: { authorization: `Bearer ${user.accessToken}` } });

const gatewayOf = (userId: string) => env.GATEWAY.getByName(`shard-${shardOf(userId, Number(env.GATEWAY_SHARDS))}`);

/** Collects `event` frames until `count` arrived (or times out). */
async function events(socket: TestSocket, count: number): Promise<Frame[]> {
  const out: Frame[] = [];
  for (let i = 0; i < count; i++) out.push(await socket.next(isType("event")));
  return out;
}

describe("the private stream", () => {
  it("pushes the user's fills with their sequence numbers, in order", async () => {
    await setPrice("BTCUSDT", "64000.00");
    const user = await register();
    const socket = await connect(user);
    expect((await buy(user)).status).toBe(201);
    expect((await buy(user)).status).toBe(201);
    const got = await events(socket, 2);
    expect(got.map((e) => (e.event as Frame).type)).toEqual(["order.filled", "order.filled"]);
    const seqs = got.map((e) => e.seq as number);
    expect(seqs[1]).toBe(seqs[0]! + 1);
    expect(((got[0]!.event as Frame).payload as { order: { symbol: string } }).order.symbol).toBe("BTCUSDT");
    socket.send({ type: "ack", seq: seqs[1] });
  });

  it("keeps pushing live after the account's alarm ran with nothing to push (the stream once stopped there for good)", async () => {
    await setPrice("BTCUSDT", "64000.00");
    const user = await register();
    const socket = await connect(user);
    await buy(user);
    const [first] = await events(socket, 1);
    socket.send({ type: "ack", seq: first!.seq });
    await sleep(1500); // the account's outbox alarm (1 s after the order) runs and finds no event to push
    await buy(user);
    const [second] = await events(socket, 1);
    expect(second!.seq).toBe((first!.seq as number) + 1);
    expect(second!.replay).toBeUndefined();
  });

  it("resends an unacknowledged fill 3 times, then waits for the client's resume", async () => {
    await setPrice("BTCUSDT", "64000.00");
    const user = await register();
    const socket = await connect(user);
    await buy(user);
    const first = await socket.next(isType("event"));
    const gateway = gatewayOf(user.user.id);
    for (let i = 1; i <= 5; i++) {
      await sleep(40 * 2 ** i + 20);
      await runDurableObjectAlarm(gateway);
    }
    await sleep(50);
    const copies = [first, ...socket.frames.filter((f) => (f as Frame).type === "event" && (f as Frame).seq === first.seq)];
    expect(copies).toHaveLength(4); // the original + 3 resends, and no more
    // The resume replays it once more (the client had not processed it).
    socket.send({ type: "resume", sessionId: "tab-resend-1", lastSeq: (first.seq as number) - 1 });
    const resumed = await socket.next(isType("resumed"));
    expect(resumed).toMatchObject({ replayed: 1, lastSeq: (first.seq as number) - 1 });
  });

  it("a reconnect with the last sequence number replays exactly the missed events, in order, once, and restores the subscriptions", async () => {
    await setPrice("BTCUSDT", "64000.00");
    const user = await register();
    const a = await connect(user);
    a.send({ type: "resume", sessionId: "tab-replay-01", lastSeq: 0 });
    await a.next(isType("resumed"));
    a.send({ type: "subscribe", channels: ["ticker:BTCUSDT", "ticker:ETHUSDT"] });
    await a.next(isType("subscribed"));
    await buy(user);
    const [seen] = await events(a, 1);
    a.send({ type: "ack", seq: seen!.seq });
    a.ws.close(1000);
    await sleep(50);

    // Offline: three more fills.
    for (let i = 0; i < 3; i++) expect((await buy(user)).status).toBe(201);

    const b = await connect(user);
    b.send({ type: "resume", sessionId: "tab-replay-01", lastSeq: seen!.seq });
    const replay = await events(b, 3);
    const resumed = await b.next(isType("resumed"));
    const seqs = replay.map((e) => e.seq as number);
    expect(seqs).toEqual([seqs[0]!, seqs[0]! + 1, seqs[0]! + 2]);
    expect(seqs[0]).toBe((seen!.seq as number) + 1);
    expect(replay.every((e) => e.replay === true)).toBe(true);
    expect(resumed).toMatchObject({ replayed: 3, more: false });
    expect((resumed.channels as string[]).sort()).toEqual(["ticker:BTCUSDT", "ticker:ETHUSDT"]);
    b.send({ type: "ack", seq: seqs[2] });
    await sleep(150);
    expect(b.frames.filter((f) => (f as Frame).type === "event")).toHaveLength(0); // nothing twice once acknowledged
    // A fill after the resume arrives live, once.
    await buy(user);
    const [live] = await events(b, 1);
    expect(live!.seq).toBe(seqs[2]! + 1);
    expect(live!.replay).toBeUndefined();
  });
});

describe("a user's further tabs", () => {
  it("a second socket joins the live stream where the first stands: later events arrive live on both, earlier ones by resume, each once", async () => {
    await setPrice("BTCUSDT", "64000.00");
    const user = await register();
    const a = await connect(user);
    await buy(user);
    await buy(user);
    const early = await events(a, 2);
    a.send({ type: "ack", seq: early[1]!.seq });

    // The second tab resumes from nothing, as a fresh tab does: what existed comes by replay, once.
    const b = await connect(user);
    b.send({ type: "resume", sessionId: "tab-second-01", lastSeq: 0 });
    const replayed = await events(b, 2);
    const resumed = await b.next(isType("resumed"));
    expect(replayed.map((e) => e.seq)).toEqual(early.map((e) => e.seq));
    expect(replayed.every((e) => e.replay === true)).toBe(true);
    expect(resumed).toMatchObject({ replayed: 2, more: false });
    b.send({ type: "ack", seq: early[1]!.seq });

    // A later event arrives live on both tabs, once each.
    await buy(user);
    const [liveA] = await events(a, 1);
    const [liveB] = await events(b, 1);
    expect(liveB!.seq).toBe((early[1]!.seq as number) + 1);
    expect(liveA!.seq).toBe(liveB!.seq);
    expect(liveB!.replay).toBeUndefined();
    b.send({ type: "ack", seq: liveB!.seq });
    await sleep(100);
    expect(b.frames.filter((f) => (f as Frame).type === "event")).toHaveLength(0);
  });
});

describe("a reconnect while another socket of the user stays open", () => {
  it("replays the fills made while the reconnecting socket was away, even when the open socket never acknowledges", async () => {
    await setPrice("BTCUSDT", "64000.00");
    const user = await register();
    const silent = await connect(user); // never acknowledges anything
    const b = await connect(user);
    await buy(user);
    const [first] = await events(b, 1);
    b.send({ type: "ack", seq: first!.seq });
    await silent.next(isType("event"));
    await sleep(1200); // the silent socket's resends (40, 80, 160 ms …) run out by the gateway's own alarm
    b.ws.close(1000);
    await sleep(50);
    for (let i = 0; i < 2; i++) expect((await buy(user)).status).toBe(201);
    await sleep(50);

    const again = await connect(user);
    again.send({ type: "resume", sessionId: "tab-again-01", lastSeq: first!.seq });
    const replay = await events(again, 2);
    expect(replay.map((e) => e.seq)).toEqual([(first!.seq as number) + 1, (first!.seq as number) + 2]);
    expect(await again.next(isType("resumed"))).toMatchObject({ replayed: 2, more: false });
  });
});

describe("market-data windows", () => {
  it("sends a quiet channel's update at once and conflates a burst to the latest state per channel", async () => {
    const user = await register();
    const socket = await connect(user);
    socket.send({ type: "subscribe", channels: ["ticker:DOGEUSDT", "ticker:ADAUSDT"] });
    await socket.next(isType("subscribed"));
    await sleep(20);
    socket.frames.length = 0;
    const gateway = gatewayOf(user.user.id);
    const t = (symbol: string, price: string): MarketUpdate & { channel: `ticker:${string}` } => ({
      kind: "ticker", symbol, price, bid: price, ask: price, bidQty: "1", askQty: "1", eventTime: Date.now(), bridgeTime: Date.now(), channel: `ticker:${symbol}`,
    });
    await gateway.publish([t("DOGEUSDT", "0.10001")]);
    await gateway.publish([t("DOGEUSDT", "0.10002"), t("ADAUSDT", "0.5001")]);
    await gateway.publish([t("DOGEUSDT", "0.10003")]);
    await sleep(60);
    const mds = socket.frames.filter((f) => (f as Frame).type === "md") as Array<{ updates: Array<{ symbol: string; price: string }> }>;
    expect(mds[0]!.updates.map((u) => u.price)).toEqual(["0.10001"]); // at once
    // The rest within the window: one frame, the latest per channel.
    expect(mds).toHaveLength(2);
    expect(mds[1]!.updates.map((u) => `${u.symbol}=${u.price}`).sort()).toEqual(["ADAUSDT=0.5001", "DOGEUSDT=0.10003"]);
  });
});

describe("subscription snapshots", () => {
  const t = (symbol: string, price: string): TickerUpdate => ({ kind: "ticker", symbol, price, bid: price, ask: price, bidQty: "1", askQty: "1", eventTime: Date.now(), bridgeTime: Date.now() });
  const snapshotPrice = async (socket: TestSocket, symbol: string) => {
    const md = (await socket.next((f) => f.type === "md" && (f.updates as Array<{ symbol: string }>).some((u) => u.symbol === symbol))) as { updates: Array<{ symbol: string; price: string }> };
    return md.updates.find((u) => u.symbol === symbol)!.price;
  };

  it("a new subscriber gets the shard's latest ticker, and never a stale one after the shard stopped following the symbol", async () => {
    const user = await register();
    const gateway = gatewayOf(user.user.id);
    const a = await connect(user);
    a.send({ type: "subscribe", channels: ["ticker:ATOMUSDT"] });
    await a.next(isType("subscribed"));
    await env.SYMBOL_HUB.getByName("ATOMUSDT").applyUpdates([t("ATOMUSDT", "14.001")]);
    await gateway.publish([{ ...t("ATOMUSDT", "14.002"), channel: "ticker:ATOMUSDT" }]);
    await sleep(30);

    // A second socket: the shard's last published ticker, not a round trip.
    const b = await connect(user);
    b.send({ type: "subscribe", channels: ["ticker:ATOMUSDT"] });
    expect(await snapshotPrice(b, "ATOMUSDT")).toBe("14.002");

    // Nobody here follows ATOMUSDT any more; the price moves at the hub meanwhile.
    for (const s of [a, b]) {
      s.send({ type: "unsubscribe", channels: ["ticker:ATOMUSDT"] });
      await s.next(isType("unsubscribed"));
    }
    await env.SYMBOL_HUB.getByName("ATOMUSDT").applyUpdates([t("ATOMUSDT", "15.000")]);
    const c = await connect(user);
    c.send({ type: "subscribe", channels: ["ticker:ATOMUSDT"] });
    expect(await snapshotPrice(c, "ATOMUSDT")).toBe("15.000");
  });
});

describe("overload control", () => {
  it("widens the window while updates arrive late and narrows it back when they are on time", async () => {
    const user = await register();
    const socket = await connect(user);
    socket.send({ type: "subscribe", channels: ["ticker:TRXUSDT"] });
    await socket.next(isType("subscribed"));
    const gateway = gatewayOf(user.user.id);
    const t = (lagMs: number): MarketUpdate & { channel: `ticker:${string}` } => ({
      kind: "ticker", symbol: "TRXUSDT", price: "0.2", bid: "0.2", ask: "0.2", bidQty: "1", askQty: "1", eventTime: Date.now(), bridgeTime: Date.now() - lagMs, channel: "ticker:TRXUSDT",
    });
    for (let i = 0; i < 30; i++) await gateway.publish([t(2000)]);
    const wide = await gateway.stats();
    expect(wide.windowMs).toBeGreaterThanOrEqual(160);
    for (let i = 0; i < 60; i++) await gateway.publish([t(0)]);
    expect((await gateway.stats()).windowMs).toBe(10);
  });
});

describe("protections", () => {
  it("warns and then cuts off a slow consumer while a normal one on the same shard keeps receiving", async () => {
    const user = await register();
    const slow = await connect(user);
    const normal = await connect(user);
    for (const s of [slow, normal]) {
      s.send({ type: "subscribe", channels: ["ticker:SOLUSDT"] });
      await s.next(isType("subscribed"));
    }
    const gateway = gatewayOf(user.user.id);
    const update = (i: number): MarketUpdate & { channel: `ticker:${string}` } => ({
      kind: "ticker", symbol: "SOLUSDT", price: `${150 + i / 100}`, bid: "150", ask: "150", bidQty: "1", askQty: "1", eventTime: Date.now(), bridgeTime: Date.now(), channel: "ticker:SOLUSDT",
    });
    let acked = 0;
    const mdsOf = (s: TestSocket) => s.frames.filter((f) => (f as Frame).type === "md") as Frame[];
    // One frame per publish while the window stays at 10 ms; on a loaded machine the shard may
    // widen it (fewer frames per publish), so publish until the slow one is cut off.
    let slowClosed = false;
    void slow.closed.then(() => (slowClosed = true));
    for (let i = 0; i < 600 && !slowClosed; i++) {
      await gateway.publish([update(i)]);
      // The normal consumer acknowledges what it has received every few frames.
      const last = mdsOf(normal).at(-1)?.n as number | undefined;
      if (last && last - acked >= 10) {
        normal.send({ type: "ack", md: last });
        acked = last;
      }
      await sleep(12); // past the 10 ms window
    }
    expect(await slow.next(isType("warning"))).toMatchObject({ code: "slow_consumer" });
    expect(await slow.closed).toMatchObject({ code: CLOSE_SLOW_CONSUMER });
    // The normal one got every frame the slow one got, and keeps receiving after the cut.
    expect(mdsOf(normal).length).toBeGreaterThanOrEqual(mdsOf(slow).length);
    await sleep(250);
    await gateway.publish([update(1000)]);
    expect(await normal.next((f) => f.type === "md" && (f.updates as Array<{ price: string }>).some((u) => u.price === "160"))).toBeTruthy();
    expect(normal.frames.some((f) => (f as Frame).type === "warning")).toBe(false);
    expect((await gateway.stats()).slowConsumersClosed).toBeGreaterThanOrEqual(1);
  });

  it("answers a flood of frames with an error frame, then closes 1008", async () => {
    const user = await register();
    const socket = await connect(user);
    for (let i = 0; i < 250; i++) socket.send({ type: "ping", t: i });
    expect(await socket.next((f) => f.type === "error" && f.code === "rate_limited")).toBeTruthy();
    expect(await socket.closed).toMatchObject({ code: CLOSE_POLICY });
  });

  it("refuses more than 10 sockets per user with 429", async () => {
    const user = await register();
    const sockets = [];
    for (let i = 0; i < 10; i++) sockets.push(await connect(user));
    const { res } = await openSocket("/ws", ["bot-core.v1", `bearer.${user.accessToken}`]);
    expect(res.status).toBe(429);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("too_many_connections");
    for (const s of sockets) s.ws.close(1000);
  });

  it("answers a malformed resume or ack with bad_frame and keeps the socket", async () => {
    const user = await register();
    const socket = await connect(user);
    socket.send({ type: "resume", sessionId: "x", lastSeq: 0 });
    expect(await socket.next(isType("error"))).toMatchObject({ code: "bad_frame" });
    socket.send({ type: "ack", seq: -1 });
    expect(await socket.next(isType("error"))).toMatchObject({ code: "bad_frame" });
    socket.send({ type: "ping", t: 1 });
    expect(await socket.next(isType("pong"))).toMatchObject({ t: 1 });
  });
});

describe("MessagePack", () => {
  it("speaks MessagePack both ways when the client offers bot-core.v1.msgpack", async () => {
    const { decode, encode } = await import("@msgpack/msgpack");
    const user = await register();
    const res = await call("/ws", { headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `bot-core.v1.msgpack, bot-core.v1, bearer.${user.accessToken}` } });
    expect(res.status).toBe(101);
    expect(res.headers.get("sec-websocket-protocol")).toBe("bot-core.v1.msgpack");
    const ws = res.webSocket!;
    ws.accept();
    const frames: Frame[] = [];
    ws.addEventListener("message", (e) => {
      expect(typeof e.data).not.toBe("string");
      // Binary frames arrive as a Blob on this side of workerd's socket.
      const data = e.data as Blob | ArrayBuffer;
      void (data instanceof Blob ? data.arrayBuffer() : Promise.resolve(data)).then((buf) => frames.push(decode(new Uint8Array(buf)) as Frame));
    });
    const next = async (type: string) => {
      for (let i = 0; i < 100; i++) {
        const f = frames.find((x) => x.type === type);
        if (f) return f;
        await sleep(10);
      }
      throw new Error(`no ${type} frame: ${JSON.stringify(frames)}`);
    };
    expect(await next("welcome")).toMatchObject({ userId: user.user.id });
    ws.send(encode({ type: "subscribe", channels: ["ticker:LINKUSDT"] }));
    expect(await next("subscribed")).toMatchObject({ channels: ["ticker:LINKUSDT"] });
    const gateway = gatewayOf(user.user.id);
    await gateway.publish([{ kind: "ticker", symbol: "LINKUSDT", price: "15.01", bid: "15", ask: "15.02", bidQty: "1", askQty: "1", eventTime: 1, bridgeTime: Date.now(), channel: "ticker:LINKUSDT" }]);
    const md = await next("md");
    expect(md).toMatchObject({ type: "md", n: 1, updates: [{ symbol: "LINKUSDT", price: "15.01", channel: "ticker:LINKUSDT" }] });
    ws.send(encode({ type: "launch" }));
    expect(await next("error")).toMatchObject({ code: "bad_frame" });
    ws.close(1000);
  });

  it("refuses binary frames on a JSON connection with bad_frame", async () => {
    const user = await register();
    const socket = await connect(user);
    socket.ws.send(new Uint8Array([0x81, 0xa4, 0x74, 0x79, 0x70, 0x65]));
    expect(await socket.next(isType("error"))).toMatchObject({ code: "bad_frame" });
  });
});
