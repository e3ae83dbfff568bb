/**
 * The whole system, for real: wrangler dev (workerd) with the built dashboard, the bridge with
 * its market simulator, and Debian's Chromium driven by Playwright.
 */
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOTS, startTestStack } from "./support";

type StartedStack = Awaited<ReturnType<typeof startTestStack>>;
type Health = { status: string; components: Record<string, { status: string; latencyMs: number }> };

let stack: StartedStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.cleanup();
});

async function health(): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${stack.edgeUrl}/api/health`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Health };
}

describe("the local stack", () => {
  it("answers /health with 200 JSON", async () => {
    const res = await fetch(`${stack.edgeUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("serves the dashboard for app routes and JSON errors for API routes", async () => {
    const page = await fetch(`${stack.edgeUrl}/markets/BTCUSDT`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root"/);
    const api = await fetch(`${stack.edgeUrl}/api/does-not-exist`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("lets a new user sign up and see a live BTCUSDT price that changes", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(`${stack.edgeUrl}/`);
      await page.getByRole("button", { name: /create an account|sign up/i }).first().click();
      await page.getByLabel(/email/i).fill(`e2e-${Date.now()}@example.com`);
      await page.getByLabel(/^password/i).fill("a long enough password");
      await page.getByRole("button", { name: /create account/i }).click();
      // Signed in, the dashboard opens on its overview; live prices are on the Markets page.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Markets", exact: true }).click();

      const price = page.getByTestId("price-BTCUSDT");
      await expect.poll(async () => (await price.textContent())?.trim() ?? "", { timeout: 30_000 }).toMatch(/^\d[\d,]*\.\d+$/);
      const first = (await price.textContent())?.trim();
      await expect.poll(async () => (await price.textContent())?.trim(), { timeout: 30_000, interval: 200 }).not.toBe(first);
      await expect.poll(async () => (await page.getByTestId("connection-state").textContent())?.toLowerCase(), { timeout: 10_000 }).toContain("live");
      await page.screenshot({ path: join(SCREENSHOTS, "markets-live-price.png") });
    } finally {
      await context.close();
    }
  });

  it("reports the bridge down when it stops, without hanging or failing, and up when it returns", async () => {
    const before = await health();
    expect(before.status).toBe(200);
    expect(before.body.status).toBe("ok");
    expect(Object.values(before.body.components).every((c) => c.status === "up")).toBe(true);

    await stack.stopBridge();
    const t0 = Date.now();
    const during = await health();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(during.status).toBe(200);
    expect(during.body.status).toBe("degraded");
    expect(during.body.components.bridge?.status).toBe("down");
    expect(during.body.components.d1?.status).toBe("up");

    await stack.startBridge();
    await expect.poll(async () => (await health()).body.components.bridge?.status, { timeout: 30_000 }).toBe("up");
  });
});
