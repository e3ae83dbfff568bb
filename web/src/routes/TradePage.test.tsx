import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { assessRisk, DEFAULT_RISK_SETTINGS, units } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fake-fetch";
import { orderView } from "../test/fixtures";
import { renderLive } from "../test/live";
import TradePage from "./TradePage";

/** The report core's own risk engine produces for these inputs (what the edge answers). */
function report(quantity: string | undefined, stopLoss: string | undefined) {
  return {
    symbol: "BTCUSDT",
    side: "buy",
    ...assessRisk({
      side: "buy",
      entry: units("64000.01"),
      ...(quantity ? { quantity: units(quantity) } : {}),
      ...(stopLoss ? { stopLoss: units(stopLoss) } : {}),
      stepSize: units("0.00001"),
      settings: DEFAULT_RISK_SETTINGS,
      equity: units("10000"),
      freeMargin: units("10000"),
      openRisk: 0n,
      openPositions: 0,
      opensNewPosition: true,
      realizedLossToday: 0n,
      dailyLossBase: 0n,
      feeRate: units("0.0004"),
    }),
  };
}

const input = (label: RegExp | string) => screen.getByLabelText(label) as HTMLInputElement;

describe("TradePage", () => {
  it("previews the risk of the ticket live, with the suggested size", async () => {
    const { requests } = await renderLive(() => <TradePage params={{}} />, {
      "POST /api/risk/calculate": (req) => {
        const b = req.body as { quantity?: string; stopLoss?: string };
        return json(200, report(b.quantity, b.stopLoss));
      },
    });
    fireEvent.input(input(/^Quantity/), { target: { value: "0.01" } });
    fireEvent.input(input("Stop-loss (USDT)"), { target: { value: "62080" } });
    await waitFor(() => expect(screen.getByTestId("suggested-size").textContent).toMatch(/^0\.0520/), { timeout: 2000 });
    const sent = requests.filter((r) => r.path === "/api/risk/calculate").at(-1);
    expect(sent?.body).toEqual({ symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.01", stopLoss: "62080" });
    expect(screen.getByTestId("risk-preview").textContent).toContain("POSITION_SIZE");
    fireEvent.click(screen.getByRole("button", { name: "Use" }));
    expect(input(/^Quantity/).value).toMatch(/^0\.0520/);
  });

  it("places the order with an Idempotency-Key and confirms the fill", async () => {
    const placed = orderView({ status: "filled", filledQuantity: "0.01", avgPrice: "64000.01" });
    const { requests } = await renderLive(() => <TradePage params={{}} />, {
      "POST /api/risk/calculate": () => json(200, report("0.01", undefined)),
      "POST /api/orders": () => json(201, placed),
      "GET /api/trading/account": () => apiError(503, "x", "later"),
      "GET /api/orders": () => json(200, { orders: [], nextCursor: null }),
    });
    fireEvent.input(input(/^Quantity/), { target: { value: "0.01" } });
    fireEvent.input(input("Take-profit (USDT)"), { target: { value: "66000" } });
    fireEvent.click(screen.getByRole("button", { name: "Buy BTCUSDT" }));
    await waitFor(() => expect(screen.getByTestId("order-confirmation").textContent).toBe("Bought 0.01 BTCUSDT at 64000.01."));
    const post = requests.find((r) => r.path === "/api/orders" && r.method === "POST");
    expect(post?.body).toEqual({ symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.01", takeProfit: "66000" });
    expect(post?.headers["idempotency-key"]).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
  });

  it("shows the rule that refused the order and takes the optimistic row back", async () => {
    let refuse!: (r: Response) => void;
    await renderLive(() => <TradePage params={{}} />, {
      "POST /api/risk/calculate": () => json(200, report("0.00001", undefined)),
      "POST /api/orders": () => new Promise<Response>((r) => (refuse = r)),
    });
    fireEvent.input(input(/^Quantity/), { target: { value: "0.00001" } });
    fireEvent.click(screen.getByRole("button", { name: "Buy BTCUSDT" }));
    await waitFor(() => expect(screen.getByText(/placing…/)).toBeTruthy());
    refuse(json(422, { error: { code: "order_rejected", message: "order rejected", details: { violations: [{ rule: "MIN_NOTIONAL", message: "order value 0.64 USDT is below the minimum 5 USDT" }] } } }));
    await waitFor(() => expect(screen.getByTestId("order-rejection").textContent).toContain("MIN_NOTIONAL"));
    expect(screen.getByRole("alert").textContent).toContain("order value 0.64 USDT is below the minimum 5 USDT");
    expect(screen.queryByText(/placing…/)).toBeNull();
  });

  it("checks the ticket before sending and points at the field", async () => {
    const { requests } = await renderLive(() => <TradePage params={{}} />, {});
    fireEvent.change(screen.getByLabelText("Order type"), { target: { value: "limit" } });
    fireEvent.input(input(/^Quantity/), { target: { value: "1" } });
    fireEvent.click(screen.getByRole("button", { name: "Buy BTCUSDT" }));
    expect(await screen.findByText("Enter the limit price.")).toBeTruthy();
    expect(input("Limit price (USDT)").getAttribute("aria-invalid")).toBe("true");
    expect(requests.some((r) => r.path === "/api/orders")).toBe(false);
  });
});
