import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fake-fetch";
import { SETTINGS } from "../test/fixtures";
import { renderLive } from "../test/live";
import SettingsPage, { validateSettings } from "./SettingsPage";

describe("SettingsPage", () => {
  it("saves the risk settings with PUT after checking their ranges", async () => {
    const { requests } = await renderLive(() => <SettingsPage />, {
      "GET /api/trading/settings": () => json(200, SETTINGS),
      "PUT /api/trading/settings": (req) => json(200, { ...SETTINGS, ...(req.body as object) }),
      "GET /api/trading/account": () => json(200, {}),
    });
    const risk = (await screen.findByLabelText("Risk per trade (% of equity)")) as HTMLInputElement;
    expect(risk.value).toBe("1");
    fireEvent.input(risk, { target: { value: "12" } });
    fireEvent.click(screen.getByRole("button", { name: "Save risk settings" }));
    expect(await screen.findByText("Between 0.1 and 10 percent.")).toBeTruthy();
    expect(requests.some((r) => r.method === "PUT")).toBe(false);
    fireEvent.input(risk, { target: { value: "2" } });
    fireEvent.click(screen.getByRole("button", { name: "Save risk settings" }));
    await waitFor(() => expect(screen.getByText("Risk settings saved.")).toBeTruthy());
    expect(requests.find((r) => r.method === "PUT")?.body).toEqual({ ...SETTINGS, riskPerTradePct: "2" });
  });

  it("says clearly when the exchange key store does not exist yet, and never keeps the secret in the page", async () => {
    const { requests } = await renderLive(() => <SettingsPage />, {
      "GET /api/trading/settings": () => json(200, SETTINGS),
      "PUT /api/exchange/keys": () => apiError(404, "not_found", "not found"),
    });
    const secret = screen.getByLabelText("API secret") as HTMLInputElement;
    expect(secret.type).toBe("password");
    fireEvent.input(screen.getByLabelText("API key"), { target: { value: "A".repeat(64) } });
    fireEvent.input(secret, { target: { value: "S".repeat(64) } });
    fireEvent.click(screen.getByRole("button", { name: "Save keys" }));
    expect((await screen.findByTestId("not-available")).textContent).toContain("Storing exchange keys is not available yet");
    expect(screen.getByTestId("not-available").textContent).toContain("PUT /api/exchange/keys");
    expect(secret.value).toBe("");
    expect(requests.find((r) => r.method === "PUT")?.body).toMatchObject({ venue: "binance-spot", apiKey: "A".repeat(64), testnet: true });
  });

  it("validates every setting against the server's ranges", () => {
    expect(validateSettings({ leverage: "21", maxOpenPositions: "0", riskPerTradePct: "0.05", dailyLossLimitPct: "51" }, 20)).toEqual({
      leverage: "Leverage is a whole number from 1 to 20.",
      maxOpenPositions: "Between 1 and 50 positions.",
      riskPerTradePct: "Between 0.1 and 10 percent.",
      dailyLossLimitPct: "Between 0.5 and 50 percent.",
    });
    expect(validateSettings({ leverage: "5", maxOpenPositions: "10", riskPerTradePct: "1.5", dailyLossLimitPct: "5" })).toEqual({});
  });
});
