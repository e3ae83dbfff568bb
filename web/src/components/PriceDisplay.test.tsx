import { render, screen } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import type { TickerUpdate } from "@bot-core/core";
import { createPriceStore } from "../stores/prices";
import { tickerUpdate } from "../test/fake-socket";
import { PriceDisplay } from "./PriceDisplay";

const tick = (price: string, extra: Partial<TickerUpdate> = {}) => ({ ...(tickerUpdate(price) as unknown as TickerUpdate), ...extra });

describe("PriceDisplay", () => {
  it("shows a placeholder until the first price arrives", () => {
    const store = createPriceStore();
    render(() => <PriceDisplay symbol="BTCUSDT" quotes={store.quotes} />);
    expect(screen.getByTestId("price-BTCUSDT").textContent).toBe("—");
    expect(screen.getByText("Waiting for the first price…")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "BTC / USDT" })).toBeTruthy();
  });

  it("updates the price, bid and ask in place when the store changes", () => {
    const store = createPriceStore();
    render(() => <PriceDisplay symbol="BTCUSDT" quotes={store.quotes} />);
    store.apply([tick("64123.45", { bid: "64123.44", ask: "64123.46", bidQty: "1.25", askQty: "0.003" })]);
    const price = screen.getByTestId("price-BTCUSDT");
    expect(price.textContent).toBe("64123.45");
    expect(screen.getByTestId("bid-BTCUSDT").textContent).toBe("64123.44");
    expect(screen.getByTestId("ask-BTCUSDT").textContent).toBe("64123.46");
    expect(screen.queryByText("Waiting for the first price…")).toBeNull();

    store.apply([tick("64200.00", { bid: "64199.99", ask: "64200.01" })]);
    expect(screen.getByTestId("price-BTCUSDT")).toBe(price); // same node, new text
    expect(price.textContent).toBe("64200.00"); // as sent: trailing zeros kept
    expect(screen.getByTestId("bid-BTCUSDT").textContent).toBe("64199.99");
  });

  it("colours and marks the direction of the last change", () => {
    const store = createPriceStore();
    render(() => <PriceDisplay symbol="BTCUSDT" quotes={store.quotes} />);
    const row = () => screen.getByTestId("price-BTCUSDT").parentElement;
    store.apply([tick("100.00")]);
    expect(row()?.dataset.direction).toBe("flat");
    store.apply([tick("100.01")]);
    expect(row()?.dataset.direction).toBe("up");
    expect(row()?.textContent).toContain("▲");
    expect(row()?.textContent).toContain("rising");
    store.apply([tick("99.99")]);
    expect(row()?.dataset.direction).toBe("down");
    expect(row()?.textContent).toContain("▼");
  });

  it("only shows its own symbol", () => {
    const store = createPriceStore();
    render(() => <PriceDisplay symbol="BTCUSDT" quotes={store.quotes} />);
    store.apply([tick("3000.00", { symbol: "ETHUSDT" })]);
    expect(screen.getByTestId("price-BTCUSDT").textContent).toBe("—");
  });
});

describe("PriceDisplay staleness", () => {
  it("marks a quote stale once it is older than 5 s, and fresh again on the next tick", () => {
    let t = 1_000_000;
    const store = createPriceStore(() => t);
    const [now, setNow] = createSignal(t);
    render(() => <PriceDisplay symbol="BTCUSDT" quotes={store.quotes} now={now()} />);
    store.apply([tick("64000.00")]);
    expect(screen.queryByTestId("stale-mark")).toBeNull();
    setNow(t + 5_001);
    expect(screen.getByTestId("stale-mark").textContent).toContain("stale · 5 s old");
    expect(screen.getByTestId("price-BTCUSDT").closest("section")?.dataset.stale).toBe("true");
    t += 6_000;
    store.apply([tick("64001.00")]);
    setNow(t);
    expect(screen.queryByTestId("stale-mark")).toBeNull();
  });
});
