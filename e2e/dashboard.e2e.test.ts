/**
 * The trader's dashboard, for real: the built web app served by `wrangler dev` as static assets,
 * the edge's API and socket, the bridge's market simulator, and Debian's Chromium (Playwright).
 *
 * One trader's day: sign up -> live prices -> a market order with stop and target -> the position
 * with moving PnL -> close -> the trade in the history; an order the server refuses shows the rule;
 * the connection indicator follows the edge going away and coming back. Screenshots go to
 * test-results/screenshots.
 */
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, SCREENSHOTS, startTestStack } from "./support";

type StartedStack = Awaited<ReturnType<typeof startTestStack>>;

let stack: StartedStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleProblems: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on("pageerror", (err) => console.log(`[page error] ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") console.log(`[console] ${msg.text()}`);
    if (msg.type() === "error" && /Content Security Policy|Refused to/i.test(msg.text())) consoleProblems.push(msg.text());
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.cleanup();
});

const text = async (testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? "").trim();
const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
/** Two decimals (BTCUSDT's tick size) of a price scaled by `factor`; display-side arithmetic only. */
const priceTimes = (price: string, factor: number) => (Number(price) * factor).toFixed(2);

describe("the dashboard against the local stack", () => {
  it("serves every page with the security headers, and the PWA files", async () => {
    for (const path of ["/", "/markets/BTCUSDT", "/trade"]) {
      const res = await fetch(`${stack.edgeUrl}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("strict-transport-security"), path).toMatch(/max-age=\d+/);
    }
    const manifest = await fetch(`${stack.edgeUrl}/manifest.webmanifest`);
    expect(manifest.status).toBe(200);
    expect(((await manifest.json()) as { icons: unknown[] }).icons.length).toBeGreaterThan(1);
    const sw = await fetch(`${stack.edgeUrl}/sw.js`);
    expect(sw.status).toBe(200);
    expect(await sw.text()).toContain("PRECACHE");
    // The rules file itself is not served.
    expect((await fetch(`${stack.edgeUrl}/_headers`)).headers.get("content-type")).toMatch(/text\/html/);
  });

  it("signs up and shows live prices that move", async () => {
    await page.goto(`${stack.edgeUrl}/`);
    await page.getByRole("button", { name: /create an account/i }).click();
    await page.getByLabel(/email/i).fill(`trader-${Date.now()}@example.com`);
    await page.getByLabel(/^password/i).fill("a long enough password");
    await page.getByRole("button", { name: /create account/i }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Overview", level: 1 }).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => text("equity"), { timeout: 15_000 }).toBe("10000.00");

    await nav("Markets");
    await expect.poll(() => text("price-BTCUSDT"), { timeout: 30_000 }).toMatch(/^\d+\.\d+$/);
    const first = await text("price-BTCUSDT");
    await expect.poll(() => text("price-BTCUSDT"), { timeout: 30_000, interval: 200 }).not.toBe(first);
    await expect.poll(() => text("watch-ETHUSDT"), { timeout: 15_000 }).toMatch(/^\d+\.\d+/);
    await expect.poll(() => text("connection-state")).toBe("Live");
    await expect.poll(async () => page.getByTestId("candle-chart").getAttribute("data-status"), { timeout: 20_000 }).toBe("ready");
    await shot("dashboard-markets");
  });

  it("places a market order with a stop and a target, shows the position with moving PnL, closes it, and finds the trades in the history", async () => {
    await nav("Trade");
    await page.getByLabel("Symbol").selectOption("BTCUSDT");
    await expect.poll(() => text("price-BTCUSDT"), { timeout: 15_000 }).toMatch(/^\d+\.\d+$/);
    const price = await text("price-BTCUSDT");
    await page.getByLabel(/^Quantity/).fill("0.01");
    await page.getByLabel("Stop-loss (USDT)").fill(priceTimes(price, 0.97));
    await page.getByLabel("Take-profit (USDT)").fill(priceTimes(price, 1.06));
    // The live risk preview answers for these values, with the size the risk settings suggest.
    await expect.poll(() => text("suggested-size"), { timeout: 15_000 }).toMatch(/^\d+\.\d+/);
    await expect.poll(async () => (await page.getByTestId("risk-preview").textContent()) ?? "").toContain("POSITION_SIZE");
    await shot("dashboard-trade-ticket");
    await page.getByRole("button", { name: "Buy BTCUSDT" }).click();
    await expect.poll(() => text("order-confirmation"), { timeout: 20_000 }).toMatch(/^Bought 0\.01 BTCUSDT at \d/);

    await nav("Positions");
    const pnl = page.getByTestId("pnl-BTCUSDT");
    await expect.poll(() => pnl.count(), { timeout: 15_000 }).toBe(1);
    // The attached stop and target are working orders.
    await expect.poll(() => page.locator('[data-type="stop_market"], [data-type="take_profit_market"]').count(), { timeout: 15_000 }).toBe(2);
    const before = (await pnl.textContent())?.trim();
    await expect.poll(async () => (await pnl.textContent())?.trim(), { timeout: 30_000, interval: 200 }).not.toBe(before);
    await shot("dashboard-position-live-pnl");

    // Move the stop (PATCH stopPrice) from the positions page.
    await page.getByRole("button", { name: /^Modify Stop sell BTCUSDT/ }).click();
    const newStop = priceTimes(price, 0.96);
    await page.getByLabel(/Trigger price of Stop sell BTCUSDT/).fill(newStop);
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text("positions-message"), { timeout: 15_000 }).toContain(`to ${Number(newStop)}`);

    await page.getByRole("button", { name: "Close BTCUSDT long position" }).click();
    await expect.poll(() => text("positions-message"), { timeout: 20_000 }).toMatch(/^Closed BTCUSDT: 0\.01 at \d/);
    await expect.poll(() => page.getByTestId("position-BTCUSDT").count(), { timeout: 15_000 }).toBe(0);
    // Closing cancels the protective orders (one-cancels-the-others).
    await expect.poll(() => page.locator('[data-type="stop_market"], [data-type="take_profit_market"]').count(), { timeout: 15_000 }).toBe(0);

    await nav("History");
    await expect.poll(() => page.getByTestId("history-row").count(), { timeout: 15_000 }).toBe(2);
    const rows = await page.getByTestId("history-row").allTextContents();
    expect(rows.join("\n")).toContain("sell");
    expect(rows.join("\n")).toContain("buy");
    await shot("dashboard-history");
  }, 180_000);

  it("shows the rule that refused an order and rolls the optimistic order back", async () => {
    await nav("Trade");
    await page.getByLabel("Symbol").selectOption("BTCUSDT");
    await page.getByLabel(/^Quantity/).fill("0.00001");
    await page.getByLabel("Stop-loss (USDT)").fill("");
    await page.getByLabel("Take-profit (USDT)").fill("");
    await page.getByRole("button", { name: "Buy BTCUSDT" }).click();
    const rejection = page.getByTestId("order-rejection");
    await expect.poll(() => rejection.count(), { timeout: 20_000 }).toBe(1);
    expect(await rejection.textContent()).toContain("MIN_NOTIONAL");
    expect(await page.locator(".recent li[data-pending=true]").count()).toBe(0);
    await shot("dashboard-order-rejected");
  });

  it("shows the connection going away with the edge and coming back, marking stale data meanwhile", async () => {
    await nav("Overview");
    await expect.poll(() => text("connection-state"), { timeout: 15_000 }).toBe("Live");
    await stack.stopEdge();
    await expect.poll(() => text("connection-state"), { timeout: 15_000 }).toBe("Reconnecting");
    // Polls fail while the edge is gone: the account figures get marked stale.
    await expect.poll(() => page.getByTestId("stale-mark").count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot("dashboard-edge-gone");
    await stack.startEdge();
    await expect.poll(() => text("connection-state"), { timeout: 60_000, interval: 500 }).toBe("Live");
    await expect.poll(() => page.getByTestId("stale-mark").count(), { timeout: 20_000 }).toBe(0);
    await shot("dashboard-edge-back");
  }, 240_000);

  it("works at 360 px wide, and broke no Content-Security-Policy rule on the way", async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    try {
      const p = await phone.newPage();
      await p.goto(`${stack.edgeUrl}/`);
      await expect.poll(() => p.getByRole("heading", { name: "Sign in" }).count(), { timeout: 15_000 }).toBe(1);
      const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await p.getByRole("button", { name: /create an account/i }).click();
      await p.getByLabel(/email/i).fill(`phone-${Date.now()}@example.com`);
      await p.getByLabel(/^password/i).fill("a long enough password");
      await p.getByRole("button", { name: /create account/i }).click();
      await expect.poll(() => p.getByRole("heading", { name: "Overview", level: 1 }).count(), { timeout: 30_000 }).toBe(1);
      // Every page fits the width: wide tables scroll inside their own box, not the page.
      for (const [link, heading] of [["Overview", "Overview"], ["Markets", "Markets"], ["Trade", "Trade"], ["Positions", "Positions and orders"], ["History", "History"], ["Settings", "Settings"]] as const) {
        await p.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link, exact: true }).click();
        await expect.poll(() => p.getByRole("heading", { name: heading, level: 1 }).count(), { timeout: 15_000 }).toBe(1);
        expect(await overflow(), link).toBeLessThanOrEqual(0);
        if (link === "Trade") await p.screenshot({ path: join(SCREENSHOTS, "dashboard-360px-trade.png"), fullPage: true });
      }
      await p.screenshot({ path: join(SCREENSHOTS, "dashboard-360px.png"), fullPage: true });
    } finally {
      await phone.close();
    }
    expect(consoleProblems).toEqual([]);
  });
});
