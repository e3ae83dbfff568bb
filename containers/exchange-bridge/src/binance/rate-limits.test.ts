import { describe, expect, it } from "vitest";
import exchangeInfo from "./fixtures/spot-exchange-info.json";
import { RequestBudget, retryAfterMs, rulesFromExchangeInfo, windowMs } from "./rate-limits";

const MINUTE = 60_000;

describe("RequestBudget", () => {
  it("reads the documented rateLimits of exchangeInfo", () => {
    expect(rulesFromExchangeInfo(exchangeInfo.rateLimits)).toEqual([
      { kind: "weight", window: "1M", limit: 6000 },
      { kind: "orders", window: "1S", limit: 10 },
    ]);
    expect(windowMs("10S")).toBe(10_000);
    expect(windowMs("1D")).toBe(86_400_000);
    expect(windowMs("7X")).toBeUndefined();
  });

  it("takes used weight from X-MBX-USED-WEIGHT-1M and waits for the next minute when a request would cross the limit", () => {
    const budget = new RequestBudget({ limits: [{ kind: "weight", window: "1M", limit: 100 }], headroom: 0.9 });
    const t = 10 * MINUTE + 15_000;
    budget.observe(new Headers({ "X-MBX-USED-WEIGHT-1M": "85", "x-mbx-used-weight": "85" }), t);
    expect(budget.usage(t)).toEqual({ "weight:1M": 85 });
    expect(budget.delayFor({ weight: 5 }, t)).toBe(0); // 90 = 100 x 0.9
    expect(budget.delayFor({ weight: 6 }, t)).toBe(45_000); // until 11:00
    // The counter resets at the interval boundary.
    expect(budget.delayFor({ weight: 6 }, 11 * MINUTE)).toBe(0);
    expect(budget.usage(11 * MINUTE)).toEqual({ "weight:1M": 0 });
  });

  it("counts what it sends until headers arrive, and counts orders separately from weight", () => {
    const budget = new RequestBudget({
      limits: [
        { kind: "weight", window: "1M", limit: 1000 },
        { kind: "orders", window: "10S", limit: 10 },
      ],
      headroom: 1,
    });
    for (let i = 0; i < 10; i++) budget.commit({ weight: 1, orders: 1 }, 1_000);
    expect(budget.delayFor({ weight: 1 }, 1_000)).toBe(0); // a query is still fine
    expect(budget.delayFor({ weight: 1, orders: 1 }, 1_000)).toBe(9_000); // an order is not
    budget.observe(new Headers({ "X-MBX-ORDER-COUNT-10S": "3" }), 2_000);
    expect(budget.delayFor({ weight: 1, orders: 1 }, 2_000)).toBe(0);
  });

  it("a 429/418 block holds every request until Retry-After; a ban is not shortened by a later 429", () => {
    const budget = new RequestBudget({ limits: [] });
    budget.block(5_000, "429");
    expect(budget.delayFor({ weight: 1 }, 1_000)).toBe(4_000);
    budget.block(120_000, "418");
    budget.block(10_000, "429");
    expect(budget.blocked(50_000)).toEqual({ until: 120_000, reason: "418" });
    expect(budget.blocked(120_000)).toBeUndefined();
  });

  it("parses Retry-After as seconds or a date", () => {
    expect(retryAfterMs("7", 0, 1)).toBe(7_000);
    expect(retryAfterMs(null, 0, 1_234)).toBe(1_234);
    expect(retryAfterMs("garbage", 0, 99)).toBe(99);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000, 0)).toBe(6_000);
  });
});
