import { describe, expect, it } from "vitest";
import { ExchangeUnavailableError } from "../exchange/errors";
import { createLogger } from "../log";
import { CircuitBreaker, logBreakerChanges, type BreakerState } from "./circuit-breaker";

const fail = () => Promise.reject(new Error("503"));
const ok = () => Promise.resolve("ok");

describe("CircuitBreaker", () => {
  it("opens after the threshold, refuses while open, probes once half-open, closes on success", async () => {
    let now = 0;
    const changes: string[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1_000, now: () => now, onStateChange: (a: BreakerState, b: BreakerState) => changes.push(`${a}->${b}`) });
    for (let i = 0; i < 3; i++) await expect(breaker.run(fail)).rejects.toThrow("503");
    expect(breaker.state).toBe("open");
    let called = false;
    await expect(breaker.run(async () => ((called = true), "x"))).rejects.toBeInstanceOf(ExchangeUnavailableError);
    expect(called).toBe(false);

    now = 1_000;
    expect(breaker.state).toBe("half-open");
    // One probe at a time.
    let release!: (v: string) => void;
    const probe = breaker.run(() => new Promise<string>((r) => (release = r)));
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(ExchangeUnavailableError);
    release("done");
    await expect(probe).resolves.toBe("done");
    expect(breaker.state).toBe("closed");
    expect(changes).toEqual(["closed->open", "open->half-open", "half-open->closed"]);
  });

  it("a failed probe opens it again for another full period", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 500, now: () => now });
    await expect(breaker.run(fail)).rejects.toThrow();
    now = 500;
    await expect(breaker.run(fail)).rejects.toThrow("503");
    expect(breaker.state).toBe("open");
    now = 999;
    expect(breaker.state).toBe("open");
    now = 1_000;
    expect(breaker.state).toBe("half-open");
  });

  it("errors that are not venue failures do not count", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2 });
    const rejected = () => Promise.reject(new Error("-2010 insufficient balance"));
    for (let i = 0; i < 5; i++) await expect(breaker.run(rejected, () => false)).rejects.toThrow();
    expect(breaker.state).toBe("closed");
    expect(breaker.consecutiveFailures).toBe(0);
  });

  it("logs opening and closing as degradation events with their levels (logBreakerChanges)", async () => {
    let now = 0;
    const lines: string[] = [];
    const log = createLogger({ level: "debug", write: (l) => lines.push(l) });
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 500, now: () => now, onStateChange: logBreakerChanges(log) });
    for (let i = 0; i < 2; i++) await expect(breaker.run(fail)).rejects.toThrow("503");
    now = 500;
    await expect(breaker.run(ok)).resolves.toBe("ok");
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.map((l) => [l.level, l.event, l.from, l.to])).toEqual([
      ["warn", "exchange_circuit_open", "closed", "open"],
      ["debug", "exchange_circuit_half_open", "open", "half-open"],
      ["info", "exchange_circuit_closed", "half-open", "closed"],
    ]);
  });
});
