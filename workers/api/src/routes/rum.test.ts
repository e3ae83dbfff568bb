import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../test/helpers";
import { FLUSH_SAMPLES } from "../telemetry/recorder";
import { RUM_PER_IP } from "./rum";

const METRICS_TOKEN = "test-metrics-token-0123456789abcdef";
const rum = (body: unknown, ip: string, type = "application/json") => call("/api/rum", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": type }, ip });

async function vitalCount(metric: string, page: string): Promise<number> {
  const rows = await env.TELEMETRY.getByName("main").cumulative();
  return rows.filter((r) => r.name === "rum" && r.labels.metric === metric && r.labels.page === page).reduce((n, r) => n + r.hist.count, 0);
}

/** Requests enough for the isolate to ship its batch to the Telemetry DO. */
async function flush(): Promise<void> {
  for (let i = 0; i < FLUSH_SAMPLES + 1; i++) await (await call("/health")).arrayBuffer();
}

describe("POST /api/rum", () => {
  it("records LCP, INP and CLS by page into the web_vitals_* histograms, and /metrics exposes them", async () => {
    const before = await vitalCount("lcp", "/markets");
    const res = await rum({ page: "/markets", lcp: 3400, inp: 120, cls: 0.05 }, "10.9.0.1");
    expect(res.status).toBe(204);
    const other = await rum({ page: "/no-such-page", lcp: 800 }, "10.9.0.1");
    expect(other.status).toBe(204);
    await flush();
    await expect.poll(() => vitalCount("lcp", "/markets"), { timeout: 5_000 }).toBe(before + 1);
    expect(await vitalCount("lcp", "other")).toBeGreaterThanOrEqual(1);

    const text = await (await call("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toContain("# TYPE web_vitals_lcp_ms histogram");
    // 3400 ms: above the 2500 bucket, inside 5000
    expect(text).toMatch(/^web_vitals_lcp_ms_bucket\{page="\/markets",le="5000"\} [1-9]\d*$/m);
    expect(text).toMatch(/^web_vitals_inp_ms_count\{page="\/markets"\} [1-9]\d*$/m);
    expect(text).toMatch(/^web_vitals_cls_bucket\{page="\/markets",le="0\.05"\} [1-9]\d*$/m);
    expect(text).not.toContain("no-such-page");
  });

  it("refuses bad reports with 4xx JSON: no value, out of range, a deep path, unknown fields, not JSON", async () => {
    const ip = "10.9.0.2";
    for (const body of [{ page: "/markets" }, { page: "/markets", lcp: -1 }, { page: "/markets", lcp: 1e9 }, { page: "/markets/BTCUSDT", lcp: 100 }, { page: "/", lcp: 100, userId: "u1" }, { page: "/", cls: "0.1" }]) {
      const res = await rum(body, ip);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
    expect((await rum("{not json", ip)).status).toBe(400);
    expect((await rum({ page: "/", lcp: 1 }, ip, "text/plain")).status).toBe(415);
  });

  it("allows 20 reports per minute per client, then 429 with Retry-After", async () => {
    const ip = "10.9.0.3";
    for (let i = 0; i < RUM_PER_IP.limit; i++) expect((await rum({ page: "/", lcp: 500 }, ip)).status).toBe(204);
    const refused = await rum({ page: "/", lcp: 500 }, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await rum({ page: "/", lcp: 500 }, "10.9.0.4")).status).toBe(204);
  });
});
