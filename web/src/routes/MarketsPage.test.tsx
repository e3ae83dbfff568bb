import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { createSession, SessionContext, type Session } from "../lib/session";
import { authResponse, fakeFetch, json } from "../test/fake-fetch";
import { fakeSocketFactory, tickerUpdate } from "../test/fake-socket";
import MarketsPage from "./MarketsPage";

async function signedIn() {
  const f = fakeFetch({
    "POST /auth/login": () => json(200, authResponse("trader@example.com", "acc-1")),
    "POST /auth/logout": () => new Response(null, { status: 204 }),
  });
  const session = createSession({ fetch: f.fetch, locks: null });
  await session.signIn({ email: "trader@example.com", password: "long enough" });
  return { session, requests: f.requests };
}

function renderPage(session: Session) {
  const sockets = fakeSocketFactory();
  render(() => (
    <SessionContext.Provider value={session}>
      <MarketsPage createSocket={sockets.create} />
    </SessionContext.Provider>
  ));
  return sockets;
}

describe("MarketsPage", () => {
  it("connects with the session's token, subscribes to BTCUSDT and shows live prices", async () => {
    const { session } = await signedIn();
    const sockets = renderPage(session);
    expect(screen.getByTestId("connection-state").textContent).toBe("Connecting");
    await waitFor(() => expect(sockets.sockets).toHaveLength(1));
    const ws = sockets.last();
    expect(ws.url).toMatch(/^ws:\/\/.+\/ws$/);
    expect(ws.protocols).toEqual(["bot-core.v1", "bearer.acc-1"]);

    ws.accept();
    expect(screen.getByTestId("connection-state").textContent).toBe("Live");
    expect(screen.getByTestId("connection-state").dataset.state).toBe("open");
    expect(ws.frames()).toEqual([{ type: "subscribe", channels: ["ticker:BTCUSDT"] }]);

    ws.serverSend({ type: "md", sentAt: 1, updates: [tickerUpdate("64123.45")] });
    expect(screen.getByTestId("price-BTCUSDT").textContent).toBe("64123.45");
    ws.serverSend({ type: "md", sentAt: 2, updates: [tickerUpdate("64100.00")] });
    expect(screen.getByTestId("price-BTCUSDT").textContent).toBe("64100.00");
    expect(screen.getByTestId("price-BTCUSDT").parentElement?.dataset.direction).toBe("down");

    ws.serverClose(1006);
    expect(screen.getByTestId("connection-state").textContent).toBe("Reconnecting");
  });

  it("shows the signed-in email and signs out: logout call, socket closed, session ended", async () => {
    const { session, requests } = await signedIn();
    const sockets = renderPage(session);
    expect(screen.getByText("trader@example.com")).toBeTruthy();
    await waitFor(() => expect(sockets.sockets).toHaveLength(1));
    sockets.last().accept();

    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(session.status()).toBe("signed-out"));
    expect(requests.at(-1)).toMatchObject({ method: "POST", path: "/auth/logout" });
    expect(sockets.last().closedWith?.code).toBe(1000);
  });
});
