/**
 * @bot-core/realtime-client from Node 22 (its global WebSocket) against the real local stack:
 * wrangler dev (workerd: gateway shards, symbol hubs, the user's account) fed by the bridge's
 * market simulator. Nothing is mocked: a ticker arrives on `ticker:BTCUSDT`, an order placed over
 * REST comes back as a private event that the client acknowledges (the gateway resends what is
 * not acknowledged: a raw socket that never acks is the control), and after a dropped connection
 * the client's resume replays exactly the events it missed — in JSON and in MessagePack.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Channel } from "@bot-core/core";
import { createRealtimeClient, type MarketFrameUpdate, type PrivateEventDelivery, type RealtimeClient, type SocketLike } from "@bot-core/realtime-client";
import { msgpackCodec } from "@bot-core/realtime-client/msgpack";
import { startTestStack, until } from "./support";

type StartedStack = Awaited<ReturnType<typeof startTestStack>>;

let stack: StartedStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 240_000);

afterAll(async () => {
  await stack?.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function register(prefix: string): Promise<string> {
  const res = await fetch(`${stack.edgeUrl}/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `${prefix}-${Date.now()}@example.com`, password: "correct horse battery" }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function order(token: string, side: "buy" | "sell"): Promise<void> {
  const res = await fetch(`${stack.edgeUrl}/api/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ symbol: "BTCUSDT", side, quantity: "0.001" }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** Node's own WebSocket, with what it sent and received recorded (the client itself is untouched). */
function recordingSockets() {
  const sockets: WebSocket[] = [];
  const received: unknown[] = [];
  const sent: unknown[] = [];
  const create = (url: string, protocols: string[]): SocketLike => {
    const ws = new WebSocket(url, protocols);
    sockets.push(ws);
    ws.addEventListener("message", (e) => received.push(e.data));
    const send = ws.send.bind(ws);
    ws.send = (data) => {
      sent.push(data);
      send(data);
    };
    return ws as unknown as SocketLike;
  };
  return { create, sockets, received, sent, last: () => sockets.at(-1)! };
}

/** A token source that can be held shut, so a reconnect waits while the test acts offline. */
function gatedToken(token: string) {
  let open = true;
  let release: () => void = () => {};
  return {
    hold() {
      open = false;
    },
    release() {
      open = true;
      release();
    },
    get: async (): Promise<string> => {
      if (!open) await new Promise<void>((r) => (release = r));
      return token;
    },
  };
}

function collect(client: RealtimeClient) {
  const market: MarketFrameUpdate[] = [];
  const events: PrivateEventDelivery[] = [];
  const resumed: Array<{ lastSeq: number; replayed: number; channels: string[] }> = [];
  client.on("market", ({ updates }) => market.push(...updates));
  client.on("event", (e) => events.push(e));
  client.on("resumed", (r) => resumed.push(r));
  return { market, events, resumed };
}

const decodeJson = (data: unknown): Record<string, unknown> => (typeof data === "string" ? (JSON.parse(data) as Record<string, unknown>) : {});
const decodeAny = (data: unknown): Record<string, unknown> => (msgpackCodec.decode(data) ?? {}) as Record<string, unknown>;

describe.each([
  ["JSON", undefined, decodeJson],
  ["MessagePack", msgpackCodec, decodeAny],
] as const)("the realtime client in Node over %s", (name, codec, decode) => {
  it("receives tickers, acknowledges a private event (no resend, unlike a socket that never acks), and replays what it missed after a drop", async () => {
    const token = await register(`rt-${name.toLowerCase()}`);
    await until("a BTCUSDT price at the edge", async () => ((await fetch(`${stack.edgeUrl}/api/market-data/latest/BTCUSDT`)).ok ? true : undefined), 60_000);

    const gate = gatedToken(token);
    const rec = recordingSockets();
    const client = createRealtimeClient({
      url: `${stack.edgeUrl.replace(/^http/, "ws")}/ws`,
      getToken: gate.get,
      createSocket: rec.create,
      sessionId: `node-e2e-${name === "JSON" ? "json" : "msgpack"}-${Date.now()}`,
      random: () => 0,
      ...(codec ? { codec } : {}),
    });
    const got = collect(client);
    const control = new WebSocket(`${stack.edgeUrl.replace(/^http/, "ws")}/ws`, ["bot-core.v1", `bearer.${token}`]);
    const controlFrames: Array<Record<string, unknown>> = [];
    control.addEventListener("message", (e) => controlFrames.push(decodeJson(e.data)));
    try {
      client.subscribe(["ticker:BTCUSDT" as Channel]);
      client.connect();
      await until("open", () => (client.state === "open" ? true : undefined));
      expect(rec.last().protocol).toBe(codec ? "bot-core.v1.msgpack" : "bot-core.v1");
      const tick = await until("a BTCUSDT ticker", () => got.market.find((u) => u.kind === "ticker" && u.symbol === "BTCUSDT"));
      expect(tick.channel).toBe("ticker:BTCUSDT");
      expect(tick.kind === "ticker" ? tick.price : "").toMatch(/^\d+(\.\d+)?$/);
      if (codec) expect(rec.received.some((d) => d instanceof ArrayBuffer)).toBe(true);

      // One fill: the client acknowledges it; the control socket (never acking) gets it resent.
      await until("the control socket's welcome", () => controlFrames.find((f) => f.type === "welcome"));
      await order(token, "buy");
      const first = await until("the fill's private event", () => got.events[0]);
      expect(first).toMatchObject({ type: "order.filled", replay: false });
      expect(rec.sent.map(decode)).toContainEqual({ type: "ack", seq: first.seq });
      await until("a resend to the control socket", () => (controlFrames.filter((f) => f.type === "event" && f.seq === first.seq).length >= 2 ? true : undefined), 5_000);
      await sleep(1_500); // past the first resend's time (1 s) for the acknowledged socket as well
      expect(rec.received.map(decode).filter((f) => f.type === "event" && f.seq === first.seq)).toHaveLength(1);
      // The control socket stays open through the drop: the account keeps pushing to the shard,
      // so the control gets the next fills live, and the reconnecting client still gets them by
      // replay (this once lost both: the account's push stopped after an idle alarm).
      // Drop the connection; while the client waits for its token, two more fills happen.
      gate.hold();
      rec.last().close(4000, "test drop");
      await until("reconnecting", () => (client.state === "reconnecting" ? true : undefined));
      await order(token, "sell");
      await order(token, "buy");
      await sleep(1_200); // the backoff (1 s) has run out: the client is waiting for the token
      expect(rec.sockets).toHaveLength(1);
      gate.release();
      await until("the resume's answer", () => got.resumed[0]);
      expect(got.resumed[0]).toMatchObject({ lastSeq: first.seq, replayed: 2 });
      expect(got.events.map((e) => [e.seq, e.type, e.replay])).toEqual([
        [first.seq, "order.filled", false],
        [first.seq + 1, "order.filled", true],
        [first.seq + 2, "order.filled", true],
      ]);
      expect(rec.sent.map(decode)).toContainEqual({ type: "ack", seq: first.seq + 2 });
      await until("the later fills live on the control socket", () =>
        [first.seq + 1, first.seq + 2].every((seq) => controlFrames.some((f) => f.type === "event" && f.seq === seq && f.replay !== true)) ? true : undefined,
      );
      // Subscriptions came back with the new connection: tickers flow again.
      const before = got.market.length;
      await until("a ticker after the reconnect", () => (got.market.length > before ? true : undefined));
      // Nothing is handed over twice.
      await sleep(1_500);
      expect(new Set(got.events.map((e) => e.seq)).size).toBe(got.events.length);
    } finally {
      client.close();
      control.close();
    }
  });
});
