/** Loopback ports and signed-in perf users for load runs against the local stack. */
import { createServer } from "node:net";

/**
 * The load generator is one "user pool" on one machine: per-user limits are lifted (the rate
 * limiter's own cost is still paid on every request).
 */
export const LIFTED_RATE_LIMITS = {
  RATE_LIMIT_REQUESTS_PER_MIN: "100000000",
  RATE_LIMIT_BURST_PER_SEC: "10000000",
  RATE_LIMIT_TRADES_PER_MIN: "100000000",
} as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === "object" ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

/** Registers `count` users and returns their access tokens. */
export async function registerUsers(edgeUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${edgeUrl}/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `perf-${Date.now().toString(36)}-${i}@example.com`, password: "perf-password-123" }),
    });
    if (res.status !== 201) throw new Error(`registering a perf user failed: ${res.status} ${await res.text()}`);
    tokens.push(((await res.json()) as { accessToken: string }).accessToken);
  }
  return tokens;
}
