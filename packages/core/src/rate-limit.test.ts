import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { takeAll, takeToken, type BucketState } from "./rate-limit";

const perMinute = { capacity: 10, perMs: 60_000 };

describe("token bucket", () => {
  it("allows a full burst, then refuses with the wait until the next token", () => {
    let state: BucketState | undefined;
    for (let i = 0; i < 10; i++) {
      const r = takeToken(perMinute, state, 1000);
      expect(r.allowed).toBe(true);
      expect(r.remaining).toBe(9 - i);
      state = r.state;
    }
    const denied = takeToken(perMinute, state, 1000);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBe(6000); // one token every 6 s
    expect(takeToken(perMinute, denied.state, 1000 + 5999).allowed).toBe(false);
    expect(takeToken(perMinute, denied.state, 1000 + 6000).allowed).toBe(true);
  });

  it("never allows more than capacity + rate x time over any schedule (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 200 }), (gaps) => {
        let now = 0;
        let state: BucketState | undefined;
        let allowed = 0;
        for (const gap of gaps) {
          now += gap;
          const r = takeToken(perMinute, state, now);
          state = r.state;
          if (r.allowed) allowed++;
        }
        expect(allowed).toBeLessThanOrEqual(perMinute.capacity + Math.floor((now * perMinute.capacity) / perMinute.perMs));
      }),
    );
  });

  it("charges no bucket when any rule refuses", () => {
    const rules = [
      { name: "minute", rule: { capacity: 100, perMs: 60_000 } },
      { name: "burst", rule: { capacity: 2, perMs: 100 } },
    ];
    const states = new Map<string, BucketState>();
    for (let i = 0; i < 2; i++) {
      const r = takeAll(rules, states, 0);
      expect(r.allowed).toBe(true);
      for (const x of r.results) states.set(x.name, x.result.state);
    }
    const third = takeAll(rules, states, 0);
    expect(third.allowed).toBe(false);
    expect(third.results.find((r) => r.name === "burst")?.result.allowed).toBe(false);
    expect(states.get("minute")?.tokens).toBe(98);
  });

  it("rejects nonsense rules", () => {
    expect(() => takeToken({ capacity: 0, perMs: 1 }, undefined, 0)).toThrow(RangeError);
  });
});
