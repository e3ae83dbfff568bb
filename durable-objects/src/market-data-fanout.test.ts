import type { Channel, MarketUpdate } from "@bot-core/core";
import { decode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { CLOSE_SLOW_CONSUMER, MarketDataFanOut, type Flow, type MdPart } from "./market-data-fanout";

/**
 * The fan-out index on its own, with recording sockets (real sockets, windows and hibernation are
 * covered by the gateway's workerd tests in workers/ws-hub).
 */
class RecordingSocket {
  frames: Array<string | Uint8Array> = [];
  closed: { code: number; reason: string } | undefined;
  send(data: string | Uint8Array): void {
    if (this.closed) throw new Error("closed");
    this.frames.push(data);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  json(): Array<{ n: number; updates: Array<{ symbol: string; price?: string; openTime?: number }> }> {
    return this.frames.map((f) => (typeof f === "string" ? JSON.parse(f) : decode(f)) as { n: number; updates: Array<{ symbol: string; price?: string }> });
  }
}

const flow = (): Flow => ({ mdSent: 0, mdAcked: 0, warned: false, windowStart: 0, inbound: 0, strikes: 0 });

function member(opts: { msgpack?: boolean; single?: boolean } = {}) {
  const socket = new RecordingSocket();
  return { socket, m: { ws: socket as unknown as WebSocket, flow: flow(), msgpack: opts.msgpack ?? false, single: opts.single ?? false } };
}

function batch(...updates: Array<[symbol: string, price: string]>): Map<string, MdPart[]> {
  const byChannel = new Map<string, MdPart[]>();
  for (const [symbol, price] of updates) {
    const channel: Channel = `ticker:${symbol}`;
    const update: MarketUpdate & { channel: Channel } = { kind: "ticker", symbol, price, bid: price, ask: price, bidQty: "1", askQty: "1", eventTime: 1, bridgeTime: 1, channel };
    const list = byChannel.get(channel) ?? [];
    list.push({ key: channel, json: JSON.stringify(update), update });
    byChannel.set(channel, list);
  }
  return byChannel;
}

const WINDOW = 10;

describe("MarketDataFanOut", () => {
  it("sends sockets with the same subscriptions the same updates, each with its own frame counter", () => {
    const warned: number[] = [];
    const fanout = new MarketDataFanOut({ slowFrames: 100, warn: (_ws, behind) => warned.push(behind) });
    const a = member();
    const b = member();
    const c = member();
    fanout.subscribe(a.m, ["ticker:BTCUSDT", "ticker:ETHUSDT"]);
    fanout.subscribe(b.m, ["ticker:ETHUSDT", "ticker:BTCUSDT"]);
    fanout.subscribe(c.m, ["ticker:ETHUSDT"]);
    b.m.flow.mdSent = 41;
    b.m.flow.mdAcked = 41;

    expect(fanout.publish(batch(["BTCUSDT", "100"], ["ETHUSDT", "10"]), 1_000, WINDOW)).toBeNull();

    expect(a.socket.json()).toEqual([expect.objectContaining({ n: 1, updates: [expect.objectContaining({ symbol: "BTCUSDT", price: "100" }), expect.objectContaining({ symbol: "ETHUSDT", price: "10" })] })]);
    expect(b.socket.json()[0]!.n).toBe(42);
    expect(b.socket.json()[0]!.updates).toEqual(a.socket.json()[0]!.updates);
    expect(c.socket.json()[0]!.updates.map((u) => u.symbol)).toEqual(["ETHUSDT"]);
    expect(fanout.channels().sort()).toEqual(["ticker:BTCUSDT", "ticker:ETHUSDT"]);
    expect(fanout.stats().frames).toBe(3);
    expect(warned).toEqual([]);
  });

  it("sends a quiet group at once and holds a busy one to the window's end, latest state per channel", () => {
    const fanout = new MarketDataFanOut({ slowFrames: 100, warn: () => undefined });
    const a = member();
    fanout.subscribe(a.m, ["ticker:BTCUSDT", "ticker:ETHUSDT"]);

    fanout.publish(batch(["BTCUSDT", "100"]), 1_000, WINDOW);
    expect(fanout.publish(batch(["BTCUSDT", "101"], ["ETHUSDT", "10"]), 1_003, WINDOW)).toBe(1_010);
    expect(fanout.publish(batch(["BTCUSDT", "102"]), 1_006, WINDOW)).toBe(1_010);
    expect(a.socket.frames).toHaveLength(1);

    // Not yet due: nothing goes out.
    expect(fanout.flush(1_009, WINDOW)).toBe(1_010);
    expect(a.socket.frames).toHaveLength(1);

    expect(fanout.flush(1_010, WINDOW)).toBeNull();
    const frames = a.socket.json();
    expect(frames).toHaveLength(2);
    expect(frames[1]!.updates.map((u) => `${u.symbol}=${u.price}`)).toEqual(["BTCUSDT=102", "ETHUSDT=10"]);
  });

  it("moves a socket between groups when its subscriptions change, and forgets it when they are empty", () => {
    const fanout = new MarketDataFanOut({ slowFrames: 100, warn: () => undefined });
    const a = member();
    fanout.subscribe(a.m, ["ticker:BTCUSDT"]);
    fanout.subscribe(a.m, ["ticker:ETHUSDT"]);
    expect(fanout.channels()).toEqual(["ticker:ETHUSDT"]);
    fanout.publish(batch(["BTCUSDT", "100"]), 1_000, WINDOW);
    expect(a.socket.frames).toHaveLength(0);

    fanout.subscribe(a.m, []);
    expect(fanout.has(a.m.ws)).toBe(false);
    expect(fanout.channels()).toEqual([]);
    fanout.publish(batch(["ETHUSDT", "10"]), 2_000, WINDOW);
    expect(a.socket.frames).toHaveLength(0);

    fanout.subscribe(a.m, ["ticker:ETHUSDT"]);
    fanout.remove(a.m.ws);
    fanout.remove(a.m.ws);
    expect(fanout.channels()).toEqual([]);
  });

  it("warns a slow consumer, then closes it while the rest of its group keeps receiving", () => {
    const warned: number[] = [];
    const fanout = new MarketDataFanOut({ slowFrames: 3, warn: (_ws, behind) => warned.push(behind) });
    const slow = member();
    const normal = member();
    fanout.subscribe(slow.m, ["ticker:BTCUSDT"]);
    fanout.subscribe(normal.m, ["ticker:BTCUSDT"]);
    for (let i = 0; i < 8; i++) {
      fanout.publish(batch(["BTCUSDT", String(100 + i)]), 1_000 + i * WINDOW, WINDOW);
      normal.m.flow.mdAcked = normal.m.flow.mdSent;
    }
    expect(warned).toEqual([3]);
    expect(slow.socket.closed?.code).toBe(CLOSE_SLOW_CONSUMER);
    expect(slow.socket.frames).toHaveLength(6);
    expect(normal.socket.frames).toHaveLength(8);
    expect(fanout.has(slow.m.ws)).toBe(false);
    expect(fanout.stats().slowClosed).toBe(1);
  });

  it("gives a MessagePack socket the same frame as a JSON one in its group", () => {
    const fanout = new MarketDataFanOut({ slowFrames: 100, warn: () => undefined });
    const packed = member({ msgpack: true });
    const text = member();
    fanout.subscribe(packed.m, ["ticker:BTCUSDT"]);
    fanout.subscribe(text.m, ["ticker:BTCUSDT"]);
    fanout.publish(batch(["BTCUSDT", "100"]), 1_000, WINDOW);
    expect(packed.socket.frames[0]).toBeInstanceOf(Uint8Array);
    expect(packed.socket.json()).toEqual(text.socket.json());
  });

  it("sends an unbatched socket one frame per update, with no window", () => {
    const fanout = new MarketDataFanOut({ slowFrames: 100, warn: () => undefined });
    const single = member({ single: true });
    fanout.subscribe(single.m, ["ticker:BTCUSDT", "ticker:ETHUSDT"]);
    expect(fanout.publish(batch(["BTCUSDT", "100"], ["ETHUSDT", "10"], ["BTCUSDT", "101"]), 1_000, WINDOW)).toBeNull();
    fanout.publish(batch(["BTCUSDT", "102"]), 1_001, WINDOW);
    expect(single.socket.json().map((f) => f.updates.map((u) => u.price))).toEqual([["100"], ["101"], ["10"], ["102"]]);
    expect(fanout.channels().sort()).toEqual(["ticker:BTCUSDT", "ticker:ETHUSDT"]);
  });
});
