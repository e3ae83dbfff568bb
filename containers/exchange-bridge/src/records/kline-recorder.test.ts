/** The recorder against a real SQLite store and the real simulator's candles. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { KlineUpdate, MarketUpdate } from "@bot-core/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { MarketSimulator } from "../simulator";
import { KlineRecorder } from "./kline-recorder";
import type { KlineRecord } from "./record-store";
import { SqliteRecordStore } from "./sqlite-store";

let dir: string;
let store: SqliteRecordStore;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "kline-recorder-"));
  store = SqliteRecordStore.open(path.join(dir, "records.sqlite"));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const quietLog = (lines: string[] = []) => createLogger({ write: (l) => lines.push(l) });

describe("KlineRecorder", () => {
  it("stores exactly the closed candles the simulator emits, readable by symbol and interval", async () => {
    const start = Date.UTC(2025, 0, 31, 0, 0, 0);
    const sim = new MarketSimulator({ seed: 7, startTime: start });
    const recorder = new KlineRecorder({ store, log: quietLog() });
    const closed: KlineUpdate[] = [];
    // 12 minutes of simulated market at 200 updates per second of simulated time.
    for (let t = start; t <= start + 12 * 60_000; t += 1000) {
      for (const u of sim.advance(t, 200)) {
        recorder.push(u);
        if (u.kind === "kline" && u.closed) closed.push(u);
      }
    }
    await recorder.stop();
    const btc1m = closed.filter((k) => k.symbol === "BTCUSDT" && k.interval === "1m");
    expect(btc1m.length).toBeGreaterThanOrEqual(11);
    const stored = await store.klines("BTCUSDT", "1m");
    expect(stored).toEqual(btc1m.map(({ symbol, interval, openTime, closeTime, open, high, low, close, volume }): KlineRecord => ({ symbol, interval, openTime, closeTime, open, high, low, close, volume })));
    expect(recorder.state()).toMatchObject({ buffered: 0, written: closed.length, dropped: 0 });
  });

  it("keeps candles when a write fails and writes them with the next flush", async () => {
    // The first write goes to a store that is already closed (it throws), the next to the open one.
    const closedStore = SqliteRecordStore.open(path.join(dir, "closed.sqlite"));
    await closedStore.close();
    let target: SqliteRecordStore = closedStore;
    const switching = { upsertKlines: (ks: readonly KlineRecord[]) => target.upsertKlines(ks) };
    const lines: string[] = [];
    const recorder = new KlineRecorder({ store: switching, log: quietLog(lines) });
    const k = (i: number): MarketUpdate => ({ kind: "kline", symbol: "BTCUSDT", interval: "1m", openTime: i * 60_000, closeTime: i * 60_000 + 59_999, open: "1", high: "1", low: "1", close: "1", volume: "0", closed: true, eventTime: 0, bridgeTime: 0 });
    recorder.push(k(1));
    recorder.push({ ...(k(2) as KlineUpdate), closed: false }); // open candles are not stored
    await recorder.flush();
    expect(lines.join()).toMatch(/could not store closed candles/);
    expect(recorder.state()).toMatchObject({ buffered: 1, written: 0 });
    target = store;
    recorder.push(k(3));
    await recorder.flush();
    expect((await store.klines("BTCUSDT", "1m")).map((w) => w.openTime)).toEqual([60_000, 180_000]);
  });

  it("bounds its buffer, dropping the oldest", () => {
    const recorder = new KlineRecorder({ store, log: quietLog(), maxBuffered: 3 });
    for (let i = 0; i < 5; i++) recorder.push({ kind: "kline", symbol: "BTCUSDT", interval: "1m", openTime: i, closeTime: i + 1, open: "1", high: "1", low: "1", close: "1", volume: "0", closed: true, eventTime: 0, bridgeTime: 0 });
    expect(recorder.state()).toEqual({ buffered: 3, written: 0, dropped: 2 });
  });
});
