import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { requestTiming, SLOW_REQUEST_LOGS_PER_SEC, SLOW_REQUEST_MS } from "./request-timing";

function slowApp() {
  const app = new Hono();
  app.use(requestTiming({ enabled: () => true, ship: async () => {} }));
  app.get("/slow", async (c) => {
    await new Promise((r) => setTimeout(r, SLOW_REQUEST_MS + 30));
    return c.text("ok");
  });
  return app;
}

function slowLines(spy: { mock: { calls: unknown[][] } }): Array<Record<string, unknown>> {
  return spy.mock.calls
    .map((args) => JSON.parse(String(args[0])) as Record<string, unknown>)
    .filter((line) => line.msg === "slow request");
}

describe("slow-request log", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs a burst of slow requests up to the budget, then reports how many it did not log", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const app = slowApp();
    const burst = SLOW_REQUEST_LOGS_PER_SEC + 5;
    const responses = await Promise.all(Array.from({ length: burst }, () => app.request("/slow")));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const first = slowLines(warn);
    expect(first).toHaveLength(SLOW_REQUEST_LOGS_PER_SEC);
    expect(first[0]).toMatchObject({ endpoint: "/slow", status: 200, thresholdMs: SLOW_REQUEST_MS });
    expect(first.some((l) => "slowRequestsNotLogged" in l)).toBe(false);

    // A second later the budget is back, and the first line says what the burst left out.
    await new Promise((r) => setTimeout(r, 1000));
    await app.request("/slow");
    const next = slowLines(warn).slice(SLOW_REQUEST_LOGS_PER_SEC);
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ slowRequestsNotLogged: 5 });
  });
});
