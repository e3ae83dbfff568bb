import { render, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { createSession, SESSION_HINT_KEY } from "./lib/session";
import { apiError, authResponse, fakeFetch, json } from "./test/fake-fetch";
import { FakeSocket } from "./test/fake-socket";
import { accountView, SETTINGS } from "./test/fixtures";
import { memoryHistory } from "./test/live";

/** Pages are lazy chunks: their first import is transformed on demand, slow on a loaded machine. */
const LAZY = { timeout: 10_000 };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("App", () => {
  it("shows a loading state while restoring, then the sign-in form when the session is gone", async () => {
    localStorage.setItem(SESSION_HINT_KEY, "1");
    let answer: ((res: Response) => void) | undefined;
    const f = fakeFetch({ "POST /auth/refresh": () => new Promise<Response>((resolve) => (answer = resolve)) });
    const session = createSession({ fetch: f.fetch, locks: null });
    void session.restore();
    render(() => <App session={session} />);
    expect(screen.getByText("Loading…")).toBeTruthy();
    answer?.(apiError(401, "invalid_refresh_token", "no refresh token presented"));
    expect(await screen.findByRole("heading", { name: "Sign in" }, LAZY)).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("goes straight to the signed-in overview when the refresh cookie restores the session", async () => {
    localStorage.setItem(SESSION_HINT_KEY, "1");
    vi.stubGlobal("WebSocket", FakeSocket);
    const f = fakeFetch({
      "POST /auth/refresh": () => json(200, authResponse("back@example.com")),
      "GET /api/trading/account": () => json(200, accountView()),
      "GET /api/orders": () => json(200, { orders: [], nextCursor: null }),
      "GET /api/trading/history": () => json(200, { trades: [], nextCursor: null }),
      "GET /api/trading/settings": () => json(200, SETTINGS),
    });
    const session = createSession({ fetch: f.fetch, locks: null });
    void session.restore();
    render(() => <App session={session} history={memoryHistory("/")} />);
    expect(await screen.findByRole("heading", { name: "Overview" }, LAZY)).toBeTruthy();
    expect(screen.getByText("back@example.com")).toBeTruthy();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeTruthy();
  });
});
