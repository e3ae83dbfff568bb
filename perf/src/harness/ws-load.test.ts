import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bridgeTimesOf } from "./ws-load";

describe("bridgeTimesOf", () => {
  it("finds the same bridgeTimes as JSON.parse, in order, for any md frame", () => {
    const update = fc.record({
      kind: fc.constant("ticker"),
      channel: fc.constant("ticker:BTCUSDT"),
      symbol: fc.constant("BTCUSDT"),
      price: fc.stringMatching(/^[0-9]{1,6}\.[0-9]{1,4}$/),
      eventTime: fc.nat(),
      bridgeTime: fc.integer({ min: 0, max: 2 ** 52 }),
    });
    fc.assert(
      fc.property(fc.array(update, { maxLength: 30 }), fc.nat(), (updates, n) => {
        const frame = JSON.stringify({ type: "md", n, sentAt: 1, updates });
        const parsed = (JSON.parse(frame) as { updates: Array<{ bridgeTime: number }> }).updates.map((u) => u.bridgeTime);
        expect(bridgeTimesOf(frame)).toEqual(parsed);
      }),
    );
  });
});
