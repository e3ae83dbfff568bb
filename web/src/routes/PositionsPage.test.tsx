import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { json } from "../test/fake-fetch";
import { tickerUpdate } from "../test/fake-socket";
import { accountView, orderView, position } from "../test/fixtures";
import { renderLive } from "../test/live";
import PositionsPage from "./PositionsPage";

const stop = orderView({ type: "stop_market", side: "sell", status: "pending_trigger", stopPrice: "59000", reduceOnly: true, parentOrderId: "p1", filledQuantity: "0", avgPrice: null });
const target = orderView({ type: "take_profit_market", side: "sell", status: "pending_trigger", stopPrice: "63000", reduceOnly: true, parentOrderId: "p1", filledQuantity: "0", avgPrice: null });

async function setup(routes: Parameters<typeof renderLive>[1] = {}) {
  const r = await renderLive(() => <PositionsPage />, {
    "GET /api/trading/account": () => json(200, accountView({ positions: [position()] })),
    "GET /api/orders": () => json(200, { orders: [stop, target], nextCursor: null }),
    ...routes,
  });
  r.live.account.start();
  r.live.orders.start();
  await screen.findByTestId("position-BTCUSDT");
  await screen.findByTestId(`order-${stop.orderId}`);
  return r;
}

describe("PositionsPage", () => {
  it("computes the position's PnL from each live tick", async () => {
    const r = await setup();
    expect(screen.getByTestId("pnl-BTCUSDT").textContent).toContain("0.00");
    r.live.prices.apply([tickerUpdate("60150.5")]);
    // 150.5 * 0.01 = 1.505, shown half-even at 2 places
    expect(screen.getByTestId("pnl-BTCUSDT").textContent).toContain("+1.50");
    r.live.prices.apply([tickerUpdate("59900")]);
    expect(screen.getByTestId("pnl-BTCUSDT").textContent).toContain("-1.00");
    expect(screen.getByTestId("mark-BTCUSDT").textContent).toBe("59900");
    r.live.account.stop();
    r.live.orders.stop();
  });

  it("moves a stop with PATCH stopPrice and shows the new level", async () => {
    const r = await setup({ [`PATCH /api/orders/${stop.orderId}`]: (req) => json(200, { ...stop, stopPrice: (req.body as { stopPrice: string }).stopPrice }) });
    fireEvent.click(screen.getByRole("button", { name: "Modify Stop sell BTCUSDT" }));
    const field = screen.getByLabelText("Trigger price of Stop sell BTCUSDT") as HTMLInputElement;
    expect(field.value).toBe("59000");
    fireEvent.input(field, { target: { value: "59500" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByTestId("positions-message").textContent).toContain("to 59500"));
    expect(r.requests.find((q) => q.method === "PATCH")?.body).toEqual({ stopPrice: "59500" });
    expect(screen.getByTestId(`order-${stop.orderId}`).querySelector('[data-testid="order-trigger"]')?.textContent).toBe("59500");
    r.live.account.stop();
    r.live.orders.stop();
  });

  it("shows the server's reason when a modification is refused, and keeps the editor open", async () => {
    const r = await setup({
      [`PATCH /api/orders/${stop.orderId}`]: () => json(422, { error: { code: "order_rejected", message: "rejected", details: { violations: [{ rule: "STOP_SIDE", message: "a long's stop must be below the mark" }] } } }),
    });
    fireEvent.click(screen.getByRole("button", { name: "Modify Stop sell BTCUSDT" }));
    fireEvent.input(screen.getByLabelText("Trigger price of Stop sell BTCUSDT"), { target: { value: "70000" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("STOP_SIDE: a long's stop must be below the mark"));
    expect(screen.getByLabelText("Trigger price of Stop sell BTCUSDT")).toBeTruthy();
    r.live.account.stop();
    r.live.orders.stop();
  });

  it("closes a position with an Idempotency-Key, and cancels an order", async () => {
    const r = await setup({
      "POST /api/trading/positions/BTCUSDT/close": () => json(201, orderView({ side: "sell", reduceOnly: true, avgPrice: "60100" })),
      [`DELETE /api/orders/${target.orderId}`]: () => json(200, { ...target, status: "canceled" }),
    });
    fireEvent.click(screen.getByRole("button", { name: "Cancel Take-profit sell BTCUSDT" }));
    await waitFor(() => expect(screen.queryByTestId(`order-${target.orderId}`)).toBeNull());
    fireEvent.click(screen.getByRole("button", { name: "Close BTCUSDT long position" }));
    await waitFor(() => expect(screen.getByTestId("positions-message").textContent).toBe("Closed BTCUSDT: 0.01 at 60100."));
    const close = r.requests.find((q) => q.path.endsWith("/close"));
    expect(close?.headers["idempotency-key"]).toBeTruthy();
    r.live.account.stop();
    r.live.orders.stop();
  });
});
