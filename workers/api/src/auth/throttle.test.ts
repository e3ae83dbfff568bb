import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import { LOGIN_FAILURES_PER_EMAIL, LOGIN_PER_IP, retryAfterSec, throttle, type ThrottleRule } from "./throttle";

// Real D1 (workerd's SQLite, migrations applied); only the clock is ours, so a test can stand on
// a window boundary without sleeping.
function clockAt(start: number) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

/** The Retry-After of a refused attempt, or "admitted". */
async function attempt(run: () => Promise<void>): Promise<number | "admitted"> {
  try {
    await run();
    return "admitted";
  } catch (err) {
    if (err instanceof ApiError && err.status === 429) return Number(err.headers?.["Retry-After"]);
    throw err;
  }
}

const W = LOGIN_PER_IP.windowMs;
/** A clock-aligned 5-minute boundary, where the old fixed windows started afresh. */
const BOUNDARY = 5_000 * W;
const subject = () => `198.51.100.${crypto.randomUUID()}`;

describe("sliding-window login throttle", () => {
  it("refuses a burst across a fixed-window boundary: 30 at 4:59 and 30 at 5:00 is not 60", async () => {
    const clock = clockAt(BOUNDARY - 1_000);
    const limiter = throttle(env.DB, clock.read);
    const ip = subject();
    for (let i = 0; i < LOGIN_PER_IP.limit; i++) expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe("admitted");
    clock.now = BOUNDARY + 1_000;
    // The fixed window admitted this one (a fresh window began at BOUNDARY).
    // The first 30 leave the window at BOUNDARY - 1 s + 5 min: 298 s from now.
    expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe(298);
    clock.now = BOUNDARY - 1_000 + W - 1;
    expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe(1);
    clock.now = BOUNDARY - 1_000 + W;
    expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe("admitted");
  });

  it("frees one slot per attempt that leaves the window, and Retry-After names the real wait", async () => {
    const clock = clockAt(BOUNDARY + 7_000);
    const limiter = throttle(env.DB, clock.read);
    const ip = subject();
    const start = clock.now;
    // One attempt every 10 s: 30 attempts span 290 s of the 300 s window.
    for (let i = 0; i < LOGIN_PER_IP.limit; i++) {
      clock.now = start + i * 10_000;
      expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe("admitted");
    }
    clock.now = start + 295_000;
    expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe(5); // the first leaves at start + 300 s
    clock.now = start + 300_000;
    expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe("admitted");
    expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe(10); // the second leaves at start + 310 s
    clock.now = start + 310_000;
    expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe("admitted");
  });

  it("does not count refused attempts: a client that keeps knocking is let in when Retry-After said", async () => {
    const clock = clockAt(BOUNDARY);
    const limiter = throttle(env.DB, clock.read);
    const ip = subject();
    for (let i = 0; i < LOGIN_PER_IP.limit; i++) await limiter.hit(LOGIN_PER_IP, ip);
    for (let s = 1; s < 300; s += 7) {
      clock.now = BOUNDARY + s * 1_000;
      expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe(300 - s);
    }
    clock.now = BOUNDARY + W;
    expect(await attempt(() => limiter.hit(LOGIN_PER_IP, ip))).toBe("admitted");
  });

  it("check() refuses a full window without counting; clear() empties it; rules and subjects are separate", async () => {
    const clock = clockAt(BOUNDARY + 60_000);
    const limiter = throttle(env.DB, clock.read);
    const email = `${crypto.randomUUID()}@example.com`;
    for (let i = 0; i < LOGIN_FAILURES_PER_EMAIL.limit - 1; i++) await limiter.hit(LOGIN_FAILURES_PER_EMAIL, email);
    expect(await attempt(() => limiter.check(LOGIN_FAILURES_PER_EMAIL, email))).toBe("admitted");
    expect(await attempt(() => limiter.check(LOGIN_FAILURES_PER_EMAIL, email))).toBe("admitted");
    await limiter.hit(LOGIN_FAILURES_PER_EMAIL, email);
    clock.now += 60_000;
    expect(await attempt(() => limiter.check(LOGIN_FAILURES_PER_EMAIL, email))).toBe(14 * 60);
    // Same subject under another rule, another subject under this rule: untouched.
    expect(await attempt(() => limiter.check(LOGIN_PER_IP, email))).toBe("admitted");
    expect(await attempt(() => limiter.check(LOGIN_FAILURES_PER_EMAIL, `other-${email}`))).toBe("admitted");
    await limiter.clear(LOGIN_FAILURES_PER_EMAIL, email);
    expect(await attempt(() => limiter.check(LOGIN_FAILURES_PER_EMAIL, email))).toBe("admitted");
  });

  it("keeps only the window's admitted times per key in D1 (at most `limit`)", async () => {
    const clock = clockAt(BOUNDARY);
    const limiter = throttle(env.DB, clock.read);
    const ip = subject();
    // One attempt every 5 s for 445 s: 0..145 s admitted, 150..295 s refused, 300..445 s admitted
    // one by one as 0..145 s leave the window.
    for (let i = 0; i < 3 * LOGIN_PER_IP.limit; i++) {
      clock.now = BOUNDARY + i * 5_000;
      await attempt(() => limiter.hit(LOGIN_PER_IP, ip));
    }
    const row = await env.DB.prepare("SELECT attempts FROM auth_throttle WHERE key = ?").bind(`${LOGIN_PER_IP.name}:${ip}`).first<{ attempts: string }>();
    const times = JSON.parse(row!.attempts) as number[];
    expect(times).toEqual(Array.from({ length: 30 }, (_, i) => BOUNDARY + 300_000 + i * 5_000));
  });
});

describe("retryAfterSec", () => {
  const rule: ThrottleRule = { name: "t", limit: 2, windowMs: 10_000 };
  it("is 0 with room left and waits for enough of the oldest attempts to leave", () => {
    expect(retryAfterSec(rule, [1_000], 2_000)).toBe(0);
    expect(retryAfterSec(rule, [5_000, 1_000], 2_000)).toBe(9); // 1_000 leaves at 11_000
    expect(retryAfterSec(rule, [1_000, 1_500, 5_000], 2_000)).toBe(10); // two must leave: 1_500 at 11_500
    expect(retryAfterSec(rule, [1_000, 5_000], 10_999)).toBe(1); // never 0 while refusing
    expect(retryAfterSec(rule, [1_000, 5_000], 11_000)).toBe(0);
  });
});
