import { describe, expect, it } from "vitest";
import { SingleFlight } from "./single-flight";

describe("SingleFlight", () => {
  it("starts again after a run that finished without awaiting anything", async () => {
    const flight = new SingleFlight();
    let runs = 0;
    // eslint-disable-next-line @typescript-eslint/require-await
    const nothingToDo = async () => {
      runs++;
    };
    await flight.run(nothingToDo);
    await flight.run(nothingToDo);
    expect(runs).toBe(2);
    expect(flight.current).toBeUndefined();
  });

  it("joins a run in progress instead of starting a second one, and clears the slot when it fails", async () => {
    const flight = new SingleFlight();
    let release!: () => void;
    let runs = 0;
    const slow = () =>
      new Promise<void>((resolve) => {
        runs++;
        release = resolve;
      });
    const a = flight.run(slow);
    const b = flight.run(slow);
    expect(b).toBe(a);
    release();
    await a;
    expect(runs).toBe(1);
    await expect(flight.run(() => Promise.reject(new Error("bridge down")))).rejects.toThrow("bridge down");
    expect(flight.current).toBeUndefined();
  });

  it("the hand-written form it replaces does get stuck (why this exists)", async () => {
    let slot: Promise<void> | undefined;
    let runs = 0;
    const start = () =>
      (slot ??= (async () => {
        try {
          runs++;
        } finally {
          slot = undefined;
        }
      })());
    await start();
    await start();
    expect(runs).toBe(1);
    expect(slot).toBeDefined();
  });
});
