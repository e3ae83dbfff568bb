import type { MarketUpdate } from "@bot-core/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger, silentLogger } from "../log";
import { MarketSimulator } from "./simulator";
import { monotonicClock, SimulatorSource } from "./source";

const T0 = Date.UTC(2024, 4, 1, 12, 0, 30);

function makeSource(updatesPerSec: number, log = silentLogger) {
  const simulator = new MarketSimulator({ seed: 42, startTime: Date.now() });
  const source = new SimulatorSource({ simulator, clock: () => Date.now(), updatesPerSec, log });
  const updates: MarketUpdate[] = [];
  source.onUpdate((u) => updates.push(u));
  return { source, updates, tickers: () => updates.filter((u) => u.kind === "ticker") };
}

describe("SimulatorSource", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("implements the simulator side of the MarketSource port", () => {
    const { source } = makeSource(40);
    expect(source.kind).toBe("simulator");
    expect(source.symbols).toHaveLength(20);
  });

  it("produces the configured rate of ticker updates over time", async () => {
    const { source, tickers } = makeSource(40);
    await source.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await source.stop();
    expect(tickers().length).toBeGreaterThanOrEqual(399);
    expect(tickers().length).toBeLessThanOrEqual(400);
    expect(source.stats.produced).toBe(tickers().length);
  });

  it("keeps an exact long-run rate when the rate is not a multiple of the timer period", async () => {
    const { source, tickers } = makeSource(333);
    await source.start();
    await vi.advanceTimersByTimeAsync(3_000);
    await source.stop();
    expect(Math.abs(tickers().length - 999)).toBeLessThanOrEqual(1);
  });

  it("is deterministic on the same clock", async () => {
    const runOnce = async () => {
      vi.setSystemTime(T0);
      const { source, updates } = makeSource(500);
      await source.start();
      await vi.advanceTimersByTimeAsync(2_000);
      await source.stop();
      return JSON.stringify(updates);
    };
    expect(await runOnce()).toBe(await runOnce());
  });

  it("stops calling listeners after stop() and after a listener unsubscribes", async () => {
    const { source, updates } = makeSource(1_000);
    let second = 0;
    const off = source.onUpdate(() => second++);
    await source.start();
    await vi.advanceTimersByTimeAsync(100);
    off();
    const secondSeen = second;
    await vi.advanceTimersByTimeAsync(100);
    expect(second).toBe(secondSeen);
    await source.stop();
    const seen = updates.length;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(updates.length).toBe(seen);
    expect(seen).toBeGreaterThan(150);
  });

  it("does not burst out a long stall: at most maxCatchUpMs worth at once", async () => {
    const lines: string[] = [];
    const { source, tickers } = makeSource(10_000, createLogger({ write: (l) => lines.push(l) }));
    await source.start();
    await vi.advanceTimersByTimeAsync(20);
    const before = tickers().length;
    vi.setSystemTime(Date.now() + 60_000); // the event loop was blocked for a minute
    await vi.advanceTimersByTimeAsync(10);
    await source.stop();
    const burst = tickers().length - before;
    expect(burst).toBeLessThanOrEqual(2_600); // 250 ms at 10k/s (+ the 10 ms tick)
    expect(burst).toBeGreaterThanOrEqual(2_500);
    expect(source.stats.skipped).toBeGreaterThan(590_000);
    expect(lines.some((l) => l.includes("simulator fell behind"))).toBe(true);
  });

  it("publishes candles that close while no tickers are due", async () => {
    const { source, updates } = makeSource(1);
    await source.start();
    await vi.advanceTimersByTimeAsync(30_010); // crosses 12:01:00
    await source.stop();
    const closed = updates.filter((u) => u.kind === "kline" && u.closed);
    expect(closed).toHaveLength(20);
  });
});

describe("monotonicClock", () => {
  it("tracks the wall clock and never steps back", () => {
    const clock = monotonicClock();
    expect(Math.abs(clock() - Date.now())).toBeLessThan(50);
    let prev = clock();
    for (let i = 0; i < 10_000; i++) {
      const now = clock();
      expect(now).toBeGreaterThanOrEqual(prev);
      prev = now;
    }
  });
});
