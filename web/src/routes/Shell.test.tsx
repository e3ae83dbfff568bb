import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { createSession, SessionContext } from "../lib/session";
import { createTheme } from "../lib/theme";
import { apiError, authResponse, fakeFetch, json } from "../test/fake-fetch";
import { fakeSocketFactory, tickerUpdate } from "../test/fake-socket";
import { accountView, SETTINGS } from "../test/fixtures";
import { memoryHistory } from "../test/live";
import Shell from "./Shell";

/** Pages are lazy chunks: their first import is transformed on demand, slow on a loaded machine. */
const LAZY = { timeout: 10_000 };

async function renderShell(path = "/", routes: Parameters<typeof fakeFetch>[0] = {}) {
  const f = fakeFetch({
    "POST /auth/login": () => json(200, authResponse("trader@example.com", "acc-1")),
    "POST /auth/logout": () => new Response(null, { status: 204 }),
    "GET /api/trading/account": () => json(200, accountView()),
    "GET /api/orders": () => json(200, { orders: [], nextCursor: null }),
    "GET /api/trading/history": () => json(200, { trades: [], nextCursor: null }),
    "GET /api/trading/settings": () => json(200, SETTINGS),
    "GET /api/market-data/klines/BTCUSDT": () => json(200, { symbol: "BTCUSDT", interval: "1h", klines: [] }),
    ...routes,
  });
  const session = createSession({ fetch: f.fetch, locks: null, hintStorage: null, events: null });
  await session.signIn({ email: "trader@example.com", password: "long enough" });
  const sockets = fakeSocketFactory();
  const history = memoryHistory(path);
  const theme = createTheme(document.documentElement, null);
  render(() => (
    <SessionContext.Provider value={session}>
      <Shell theme={theme} createSocket={sockets.create} history={history} />
    </SessionContext.Provider>
  ));
  return { session, sockets, history, requests: f.requests };
}

describe("Shell", () => {
  it("routes between pages from the navigation, marking the current one", async () => {
    const { history } = await renderShell("/");
    expect(await screen.findByRole("heading", { name: "Overview", level: 1 }, LAZY)).toBeTruthy();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toBe("Overview");
    fireEvent.click(screen.getByRole("link", { name: "Settings" }));
    expect(await screen.findByRole("heading", { name: "Settings", level: 1 }, LAZY)).toBeTruthy();
    expect(history.entries.at(-1)).toBe("/settings");
    expect(nav.querySelector('[aria-current="page"]')?.textContent).toBe("Settings");
  });

  it("shows a page for unknown paths", async () => {
    await renderShell("/no/such/page");
    expect(await screen.findByRole("heading", { name: "Page not found" }, LAZY)).toBeTruthy();
  });

  it("subscribes the watchlist, shows the socket's state, and signs out", async () => {
    const { sockets, session } = await renderShell("/");
    await waitFor(() => expect(sockets.sockets).toHaveLength(1));
    const ws = sockets.last();
    expect(screen.getByTestId("connection-state").textContent).toBe("Connecting");
    ws.accept();
    expect(screen.getByTestId("connection-state").textContent).toBe("Live");
    const subscribed = ws.frames()[0] as { channels: string[] };
    expect(subscribed.channels).toContain("ticker:BTCUSDT");
    expect(subscribed.channels).toContain("ticker:ETHUSDT");
    ws.serverClose(1006);
    expect(screen.getByTestId("connection-state").textContent).toBe("Reconnecting");
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(session.status()).toBe("signed-out"));
  });

  it("cycles the theme and applies it to the document", async () => {
    await renderShell("/");
    const button = screen.getByRole("button", { name: /Theme: system/ });
    fireEvent.click(button);
    expect(document.documentElement.dataset.theme).toBe("light");
    fireEvent.click(button);
    expect(document.documentElement.dataset.theme).toBe("dark");
    fireEvent.click(button);
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it("shows live prices on the markets route", async () => {
    const { sockets } = await renderShell("/markets/BTCUSDT", {
      "GET /api/market-data/klines/ETHUSDT": () => apiError(404, "not_found", "x"),
    });
    expect(await screen.findByRole("heading", { name: "Markets", level: 1 }, LAZY)).toBeTruthy();
    await waitFor(() => expect(sockets.sockets).toHaveLength(1));
    sockets.last().accept();
    sockets.last().serverSend({ type: "md", sentAt: 1, updates: [tickerUpdate("64123.45")] });
    expect(screen.getByTestId("price-BTCUSDT").textContent).toBe("64123.45");
    expect(screen.getByTestId("watch-BTCUSDT").textContent).toContain("64123.45");
  });

  it("refreshes the account at once when the private stream reports a fill", async () => {
    const { sockets, requests } = await renderShell("/");
    await waitFor(() => expect(sockets.sockets).toHaveLength(1));
    sockets.last().accept();
    await waitFor(() => expect(requests.filter((r) => r.path === "/api/trading/account").length).toBeGreaterThan(0));
    const before = requests.filter((r) => r.path === "/api/trading/account").length;
    sockets.last().serverSend({ type: "event", seq: 1, event: { type: "order.filled", ts: 1, payload: {} } });
    await waitFor(() => expect(requests.filter((r) => r.path === "/api/trading/account").length).toBe(before + 1), { timeout: 1000 });
    expect(sockets.last().frames()).toContainEqual({ type: "ack", seq: 1 });
  });
});
