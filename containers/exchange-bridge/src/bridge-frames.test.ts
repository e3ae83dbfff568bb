import { BridgeFrame, MAX_BRIDGE_BATCH, type MarketUpdate, type TickerUpdate } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { encodeBatchFrames, parseEdgeFrame } from "./bridge-frames";

function ticker(i: number): TickerUpdate {
  return {
    kind: "ticker",
    symbol: "BTCUSDT",
    price: `${64000 + i}.00`,
    bid: `${63999 + i}.99`,
    ask: `${64000 + i}.00`,
    bidQty: "1.00000",
    askQty: "2.00000",
    eventTime: 1_700_000_000_000 + i,
    bridgeTime: 0,
  };
}

function decode(text: string) {
  const frame = BridgeFrame.parse(JSON.parse(text));
  if (frame.type !== "batch") throw new Error("not a batch");
  return frame;
}

describe("encodeBatchFrames", () => {
  it("encodes one valid batch frame stamped with bridgeTime = sentAt, without touching the input", () => {
    const updates = [ticker(1), ticker(2)];
    const frames = encodeBatchFrames(updates, { firstSeq: 7, sentAt: 1_700_000_000_500 });
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ seq: 7, count: 2 });
    const frame = decode(frames[0]!.text);
    expect(frame).toMatchObject({ type: "batch", seq: 7, sentAt: 1_700_000_000_500 });
    expect(frame.updates.map((u) => u.bridgeTime)).toEqual([1_700_000_000_500, 1_700_000_000_500]);
    expect(frame.updates.map((u) => (u as TickerUpdate).price)).toEqual(["64001.00", "64002.00"]);
    expect(updates[0]!.bridgeTime).toBe(0);
  });

  it("splits at MAX_BRIDGE_BATCH updates with consecutive seq numbers", () => {
    const updates = Array.from({ length: MAX_BRIDGE_BATCH * 2 + 3 }, (_, i) => ticker(i));
    const frames = encodeBatchFrames(updates, { firstSeq: 0, sentAt: 1, maxBytes: 100_000_000 });
    expect(frames.map((f) => [f.seq, f.count])).toEqual([
      [0, MAX_BRIDGE_BATCH],
      [1, MAX_BRIDGE_BATCH],
      [2, 3],
    ]);
    const decoded = frames.flatMap((f) => decode(f.text).updates as MarketUpdate[]);
    expect(decoded.map((u) => u.eventTime)).toEqual(updates.map((u) => u.eventTime));
  });

  it("splits by size so no frame exceeds maxBytes", () => {
    const updates = Array.from({ length: 1_000 }, (_, i) => ticker(i));
    const frames = encodeBatchFrames(updates, { firstSeq: 0, sentAt: 1, maxBytes: 10_000 });
    expect(frames.length).toBeGreaterThan(15);
    for (const f of frames) {
      expect(Buffer.byteLength(f.text)).toBeLessThanOrEqual(10_000);
      expect(decode(f.text).updates).toHaveLength(f.count);
    }
    expect(frames.reduce((n, f) => n + f.count, 0)).toBe(1_000);
  });

  it("keeps frames under the 1 MiB Workers limit by default, even when 5000 updates would not fit", () => {
    const candles: MarketUpdate[] = Array.from({ length: 5_000 }, (_, i) => ({
      kind: "kline",
      symbol: "MATICUSDT",
      interval: "15m",
      openTime: 1_700_000_000_000 + i * 900_000,
      closeTime: 1_700_000_000_000 + i * 900_000 + 899_999,
      open: "123456.78",
      high: "123999.99",
      low: "123000.01",
      close: "123500.50",
      volume: "1234567.89012",
      closed: true,
      eventTime: 1_700_000_000_000 + i * 900_000 + 900_000,
      bridgeTime: 0,
    }));
    const frames = encodeBatchFrames(candles, { firstSeq: 0, sentAt: 1_700_000_000_000 });
    expect(frames.length).toBe(2);
    for (const f of frames) expect(Buffer.byteLength(f.text)).toBeLessThanOrEqual(1_000_000);
  });

  it("returns no frame for no updates", () => {
    expect(encodeBatchFrames([], { firstSeq: 0, sentAt: 1 })).toEqual([]);
  });
});

describe("parseEdgeFrame", () => {
  it("accepts welcome and error frames", () => {
    expect(parseEdgeFrame('{"type":"welcome","serverTime":5}')).toEqual({ ok: true, frame: { type: "welcome", serverTime: 5 } });
    expect(parseEdgeFrame('{"type":"error","code":"bad_frame","message":"nope"}')).toEqual({
      ok: true,
      frame: { type: "error", code: "bad_frame", message: "nope" },
    });
  });

  it("rejects anything else without throwing", () => {
    expect(parseEdgeFrame("{not json")).toEqual({ ok: false, reason: "not JSON" });
    expect(parseEdgeFrame('{"type":"md"}').ok).toBe(false);
    expect(parseEdgeFrame('{"type":"error"}').ok).toBe(false);
    expect(parseEdgeFrame("null").ok).toBe(false);
  });
});
