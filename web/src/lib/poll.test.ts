import { describe, expect, it } from "vitest";
import { createPolled } from "./poll";

describe("createPolled", () => {
  it("keeps the last value when a poll fails and reports it stale once it ages", async () => {
    let t = 1_000;
    let fail = false;
    const p = createPolled(async () => {
      if (fail) throw new Error("down");
      return { n: t };
    }, { intervalMs: 1000, now: () => t });
    await p.refresh();
    expect(p.value()).toEqual({ n: 1000 });
    expect(p.stale(t)).toBe(false);
    fail = true;
    t = 2_000;
    await p.refresh();
    expect(p.value()).toEqual({ n: 1000 });
    expect(p.error()).toBeInstanceOf(Error);
    expect(p.stale(3_400)).toBe(false);
    expect(p.stale(3_600)).toBe(true);
  });

  it("lets a pushed value win over a poll that started before it", async () => {
    let answer: (v: number) => void = () => {};
    const p = createPolled(() => new Promise<number>((r) => (answer = r)), { intervalMs: 1000 });
    const polling = p.refresh();
    p.set(42);
    answer(7);
    await polling;
    expect(p.value()).toBe(42);
  });
});
