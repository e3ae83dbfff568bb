/**
 * The Solid adapter over @bot-core/realtime-client (whose own tests cover the protocol): state and
 * last error are signals that follow the client, and listeners reach the client.
 */
import { createRoot, createEffect } from "solid-js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSocketFactory, signalUpdate } from "../test/fake-socket";
import { createRealtimeClient, defaultSocketUrl, type MarketFrameUpdate } from "./realtime";

describe("defaultSocketUrl", () => {
  it("follows the page's protocol", () => {
    expect(defaultSocketUrl({ protocol: "https:", host: "app.example.com" })).toBe("wss://app.example.com/ws");
    expect(defaultSocketUrl({ protocol: "http:", host: "127.0.0.1:8787" })).toBe("ws://127.0.0.1:8787/ws");
  });
});

describe("createRealtimeClient (Solid adapter)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("exposes state and last error as signals that effects re-run on", async () => {
    const sockets = fakeSocketFactory();
    const client = createRealtimeClient({ url: "ws://app.test/ws", getToken: async () => "t", createSocket: sockets.create, random: () => 0 });
    const states: string[] = [];
    const dispose = createRoot((d) => {
      createEffect(() => states.push(client.state()));
      return d;
    });
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    sockets.last().accept();
    sockets.last().serverSend({ type: "error", code: "unknown_channel", message: "unknown channel" });
    expect(client.lastError()).toBe("unknown channel");
    sockets.last().serverClose(1006);
    expect(states).toEqual(["closed", "connecting", "open", "reconnecting"]);
    client.close();
    expect(client.state()).toBe("closed");
    dispose();
  });

  it("passes market listeners through, signals included", async () => {
    const sockets = fakeSocketFactory();
    const client = createRealtimeClient({ url: "ws://app.test/ws", getToken: async () => "t", createSocket: sockets.create });
    const got: MarketFrameUpdate[] = [];
    const stop = client.on("market", ({ updates }) => got.push(...updates));
    client.subscribe(["signals:ETHUSDT"]);
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    sockets.last().accept();
    expect(sockets.last().frames()).toEqual([{ type: "subscribe", channels: ["signals:ETHUSDT"] }]);
    sockets.last().serverSend({ type: "md", sentAt: 1, updates: [signalUpdate()] });
    stop();
    sockets.last().serverSend({ type: "md", sentAt: 2, updates: [signalUpdate()] });
    expect(got.map((u) => u.kind)).toEqual(["signal"]);
  });
});
