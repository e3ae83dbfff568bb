import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fake-fetch";
import { renderLive } from "../test/live";
import SignalsPage from "./SignalsPage";

describe("SignalsPage", () => {
  it("shows an analysis with its reasons and timings", async () => {
    const { requests } = await renderLive(() => <SignalsPage />, {
      "POST /api/ai/analyze": () => json(200, { symbol: "ETHUSDT", signal: "Buy", confidence: 0.74, reasons: ["MACD crossed up"], timings: { indicators: 1.5 } }),
      "GET /api/bot/settings": () => json(200, { autoTrading: { BTCUSDT: true } }),
      "GET /api/bot/decisions": () => json(200, { decisions: [] }),
    });
    fireEvent.change(screen.getByLabelText("Symbol"), { target: { value: "ETHUSDT" } });
    fireEvent.click(screen.getByRole("button", { name: "Analyze" }));
    expect(await screen.findByText("MACD crossed up")).toBeTruthy();
    expect(screen.getByText(/confidence 74%/)).toBeTruthy();
    expect(screen.getByText(/indicators:/).textContent).toContain("1.5 ms");
    expect(requests.find((r) => r.path === "/api/ai/analyze")?.body).toEqual({ symbol: "ETHUSDT", interval: "1m" });
    await waitFor(() => expect((screen.getByRole("switch", { name: "BTCUSDT" }) as HTMLInputElement).checked).toBe(true));
  });

  it("says what is not available yet when the endpoints answer 404", async () => {
    await renderLive(() => <SignalsPage />, {
      "POST /api/ai/analyze": () => apiError(404, "not_found", "not found"),
      "GET /api/bot/settings": () => apiError(404, "not_found", "not found"),
      "GET /api/bot/decisions": () => apiError(404, "not_found", "not found"),
    });
    fireEvent.click(screen.getByRole("button", { name: "Analyze" }));
    await waitFor(() => expect(screen.getAllByTestId("not-available")).toHaveLength(3));
    const text = screen.getAllByTestId("not-available").map((n) => n.textContent).join(" ");
    expect(text).toContain("Analysis is not available yet");
    expect(text).toContain("Auto-trading is not available yet");
    expect(text).toContain("The bot's decision log is not available yet");
  });
});
