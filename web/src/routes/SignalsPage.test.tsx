import { fireEvent, screen, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import { apiError, json } from "../test/fake-fetch";
import { signalUpdate, tickerUpdate } from "../test/fake-socket";
import { renderLive } from "../test/live";
import SignalsPage, { ageText } from "./SignalsPage";

const BOT = {
  autoTrading: { BTCUSDT: true },
  symbols: { BTCUSDT: { enabled: true, minConfidence: 0.8, quoteAmount: "50" } },
};

/** Renders the page and connects its (fake) socket as the edge would accept it. */
async function renderConnected(routes: Parameters<typeof renderLive>[1]) {
  const r = await renderLive(() => <SignalsPage />, { "GET /api/bot/settings": () => json(200, BOT), "GET /api/bot/decisions": () => json(200, { decisions: [] }), ...routes });
  r.live.realtime.connect();
  await waitFor(() => expect(r.sockets.sockets).toHaveLength(1));
  r.sockets.last().accept();
  return r;
}

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

  it("subscribes signals:<SYMBOL> for the selected symbol and shows its latest signal live", async () => {
    const { sockets } = await renderConnected({});
    const ws = sockets.last();
    expect(ws.frames()).toContainEqual({ type: "subscribe", channels: ["signals:BTCUSDT"] });
    expect(screen.getByTestId("live-signal-waiting").textContent).toContain("BTCUSDT");

    const closeTime = Date.now() - 42_000;
    const older = signalUpdate({ closeTime: closeTime - 60_000, id: `BTCUSDT:1m:${closeTime - 60_000}`, action: "sell", label: "Sell" });
    ws.serverSend({ type: "md", sentAt: 1, updates: [tickerUpdate("64000.1"), signalUpdate({ closeTime, id: `BTCUSDT:1m:${closeTime}` }), older] });
    const card = await screen.findByTestId("live-signal");
    expect(card.querySelector(".signal")?.textContent).toBe("Strong Buy · confidence 82%");
    expect(card.querySelector(".signal")?.getAttribute("data-signal")).toBe("strong-buy");
    const text = card.textContent ?? "";
    for (const part of ["64000.10", "63850.00", "64300.30", "2.00", "signal-mlp-v1", "model signal-mlp-v1: P(up in 5 bars) = 0.71 (bullish)"]) expect(text).toContain(part);
    const age = Number.parseInt(screen.getByTestId("live-signal-age").textContent ?? "", 10);
    expect(age).toBeGreaterThanOrEqual(41);
    expect(age).toBeLessThan(50);

    // Another symbol: the old channel goes, the new one comes, and the old symbol's signals no longer show.
    fireEvent.change(screen.getByLabelText("Symbol"), { target: { value: "ETHUSDT" } });
    expect(ws.frames().slice(-2)).toEqual([
      { type: "unsubscribe", channels: ["signals:BTCUSDT"] },
      { type: "subscribe", channels: ["signals:ETHUSDT"] },
    ]);
    expect(screen.queryByTestId("live-signal")).toBeNull();
    ws.serverSend({ type: "md", sentAt: 2, updates: [signalUpdate({ closeTime: closeTime + 60_000, id: `BTCUSDT:1m:${closeTime + 60_000}` })] });
    expect(screen.queryByTestId("live-signal")).toBeNull();
    ws.serverSend({ type: "md", sentAt: 3, updates: [signalUpdate({ channel: "signals:ETHUSDT", symbol: "ETHUSDT", id: `ETHUSDT:1m:${closeTime}`, closeTime, action: "neutral", label: "Neutral", stopLoss: null, takeProfit: null, riskReward: null, modelVersion: null })] });
    const eth = await screen.findByTestId("live-signal");
    expect(eth.querySelector(".signal")?.textContent).toBe("Neutral · confidence 82%");
    expect(eth.textContent).toContain("none (indicators and patterns only)");
  });

  it("checks the bot's threshold and size before sending, then saves them for the selected symbol", async () => {
    const { requests } = await renderConnected({
      "PUT /api/bot/settings": (req) => {
        const patch = (req.body as { symbols: { BTCUSDT: { enabled: boolean; minConfidence: number; quoteAmount: string | null } } }).symbols.BTCUSDT;
        return json(200, { autoTrading: { BTCUSDT: patch.enabled }, symbols: { BTCUSDT: patch } });
      },
    });
    const threshold = (await screen.findByLabelText("Confidence threshold")) as HTMLInputElement;
    const size = screen.getByLabelText("Order size (USDT)") as HTMLInputElement;
    expect([threshold.value, size.value]).toEqual(["0.8", "50"]);
    expect((screen.getByLabelText("Trade BTCUSDT signals automatically") as HTMLInputElement).checked).toBe(true);

    fireEvent.input(threshold, { target: { value: "0.5" } });
    fireEvent.input(size, { target: { value: "-3" } });
    fireEvent.click(screen.getByRole("button", { name: "Save bot settings" }));
    expect(await screen.findByText("A confidence from 0.7 to 1 (at most 4 decimals).")).toBeTruthy();
    expect(screen.getByText(/positive USDT amount/)).toBeTruthy();
    expect(threshold.getAttribute("aria-invalid")).toBe("true");
    expect(threshold.getAttribute("aria-describedby")).toContain("-minConfidence-error");
    expect(requests.some((r) => r.method === "PUT")).toBe(false);

    fireEvent.input(threshold, { target: { value: "0.75" } });
    fireEvent.input(size, { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Save bot settings" }));
    expect(await screen.findByText("Bot settings for BTCUSDT saved.")).toBeTruthy();
    expect(requests.find((r) => r.method === "PUT")?.body).toEqual({ symbols: { BTCUSDT: { enabled: true, minConfidence: 0.75, quoteAmount: null } } });
    expect(screen.queryByText(/positive USDT amount/)).toBeNull();
  });

  it("shows the server's refusal of the bot settings", async () => {
    await renderConnected({ "PUT /api/bot/settings": () => apiError(400, "validation_failed", "symbols.BTCUSDT.minConfidence: Too big: expected number to be <=1") });
    fireEvent.input(await screen.findByLabelText("Confidence threshold"), { target: { value: "1" } });
    fireEvent.click(screen.getByRole("button", { name: "Save bot settings" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Not saved: symbols.BTCUSDT.minConfidence: Too big: expected number to be <=1");
  });

  it("reloads the decision log when a bot.decision event arrives", async () => {
    let calls = 0;
    const { sockets } = await renderConnected({
      "GET /api/bot/decisions": () => {
        calls++;
        return json(200, { decisions: calls === 1 ? [] : [{ time: "2026-01-01T00:00:00Z", symbol: "BTCUSDT", action: "skipped", taken: false, reason: "confidence 0.72 under the threshold 0.8" }] });
      },
    });
    expect(await screen.findByText("No decisions yet.")).toBeTruthy();
    sockets.last().serverSend({ type: "event", seq: 1, event: { type: "bot.decision", ts: 1, payload: {} } });
    expect(await screen.findByText(/confidence 0.72 under the threshold 0.8/)).toBeTruthy();
  });

  it("writes a signal's age in seconds, minutes or hours", () => {
    expect([ageText(10_000, 10_000), ageText(100_000, 10_000), ageText(10_000 + 3 * 60_000, 10_000), ageText(10_000 + 3 * 3_600_000, 10_000), ageText(0, 5_000)]).toEqual(["0 s", "90 s", "3 min", "3 h", "0 s"]);
  });
});
