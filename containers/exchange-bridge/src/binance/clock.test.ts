import { describe, expect, it } from "vitest";
import { ServerClock } from "./clock";

describe("ServerClock", () => {
  it("takes the offset against the midpoint of the round trip", async () => {
    let local = 1_000_000;
    // The request takes 40 ms; the server (2.5 s ahead) stamps it halfway.
    const clock = new ServerClock({
      localNow: () => local,
      fetchServerTime: async () => {
        local += 20;
        const stamp = local + 2_500;
        local += 20;
        return stamp;
      },
    });
    expect(clock.synced).toBe(false);
    await clock.sync();
    expect(clock.offsetMs).toBe(2_500);
    expect(clock.roundTripMs).toBe(40);
    expect(clock.now()).toBe(local + 2_500);
  });

  it("shares one request between concurrent syncs and re-syncs only when stale", async () => {
    let local = 0;
    let calls = 0;
    const clock = new ServerClock({ localNow: () => local, maxAgeMs: 1_000, fetchServerTime: async () => (++calls, local + 7) });
    await Promise.all([clock.sync(), clock.sync(), clock.ensureFresh()]);
    expect(calls).toBe(1);
    await clock.ensureFresh();
    expect(calls).toBe(1);
    local += 1_001;
    await clock.ensureFresh();
    expect(calls).toBe(2);
  });

  it("keeps the previous offset when the server answers nonsense", async () => {
    let answer = 500;
    const clock = new ServerClock({ localNow: () => 100, fetchServerTime: async () => answer });
    await clock.sync();
    answer = Number.NaN;
    await expect(clock.sync()).rejects.toThrow(/positive/);
    expect(clock.offsetMs).toBe(400);
  });
});
