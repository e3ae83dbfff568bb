import { screen } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fake-fetch";
import { renderLive } from "../test/live";
import SystemPage from "./SystemPage";

describe("SystemPage", () => {
  it("charts p50/p95/p99 and throughput per category from /api/performance/*", async () => {
    await renderLive(() => <SystemPage />, {
      "GET /api/performance/stats": () => json(200, { categories: { orders: { latencyMs: { p50: 2.5, p95: 7, p99: 12 }, throughput: 420 }, marketData: { p50: 1, p95: 2, p99: 4 } } }),
      "GET /api/performance/history": () => json(200, { buckets: [{ time: 1, p50: 1, p95: 2, p99: 3 }, { time: 2, p50: 2, p95: 3, p99: 5 }] }),
    });
    const row = (await screen.findByRole("rowheader", { name: "orders" })).closest("tr");
    expect(row?.textContent).toContain("2.5");
    expect(row?.textContent).toContain("12.0");
    expect(row?.textContent).toContain("420");
    expect(screen.getByRole("img", { name: /Latency over 2 buckets/ })).toBeTruthy();
  });

  it("says the figures are not available yet when the endpoints answer 404", async () => {
    await renderLive(() => <SystemPage />, {
      "GET /api/performance/stats": () => apiError(404, "not_found", "not found"),
      "GET /api/performance/history": () => apiError(404, "not_found", "not found"),
    });
    const notices = await screen.findAllByTestId("not-available");
    expect(notices.map((n) => n.textContent).join(" ")).toContain("Performance figures is not available yet");
    expect(notices).toHaveLength(2);
  });

  it("tells a failure apart from a missing endpoint", async () => {
    await renderLive(() => <SystemPage />, {
      "GET /api/performance/stats": () => apiError(500, "internal", "boom"),
      "GET /api/performance/history": () => apiError(404, "not_found", "not found"),
    });
    const notices = await screen.findAllByTestId("not-available");
    expect(notices[0]?.textContent).toContain("could not be loaded");
    expect(notices[0]?.dataset.status).toBe("500");
  });
});
