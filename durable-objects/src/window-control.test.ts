import { describe, expect, it } from "vitest";
import { WindowControl } from "./window-control";

describe("WindowControl", () => {
  it("keeps the configured window while flushes run on time and batches arrive on time", () => {
    const w = new WindowControl(10, 200);
    for (let i = 0; i < 100; i++) {
      w.observeLag(12);
      w.observeLateness(0);
    }
    expect(w.windowMs).toBe(10);
  });

  it("widens in small steps while flush timers run late, and narrows back once they are on time", () => {
    const w = new WindowControl(10, 200);
    const windows = [w.windowMs];
    for (let i = 0; i < 20; i++) {
      w.observeLateness(8);
      windows.push(w.windowMs);
    }
    expect(windows.at(-1)).toBeGreaterThan(60);
    // Never a doubling: each step is at most a quarter wider (plus rounding).
    for (let i = 1; i < windows.length; i++) expect(windows[i]!).toBeLessThanOrEqual(Math.ceil(windows[i - 1]! * 1.25) + 1);
    for (let i = 0; i < 60; i++) w.observeLateness(0);
    expect(w.windowMs).toBe(10);
  });

  it("settles where the lateness it causes stays low: a thread that keeps up at 30 ms stays near 30 ms", () => {
    const w = new WindowControl(10, 200);
    // A toy shard: narrower than 30 ms, the thread is overloaded and timers run 6 ms late.
    for (let i = 0; i < 400; i++) w.observeLateness(w.windowMs < 30 ? 6 : 0);
    expect(w.windowMs).toBeGreaterThanOrEqual(20);
    expect(w.windowMs).toBeLessThanOrEqual(45);
  });

  it("widens when the feed falls far behind, up to the maximum", () => {
    const w = new WindowControl(10, 200);
    for (let i = 0; i < 40; i++) w.observeLag(2000);
    expect(w.windowMs).toBe(200);
    expect(w.lagMs).toBeGreaterThan(1900);
  });
});
