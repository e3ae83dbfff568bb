import type { TickerUpdate } from "@bot-core/core";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { HUB_STATE_INTERVAL_MS, marketFeedOf } from "./market-feed";

const tick = (symbol: string, price: string, eventTime: number): TickerUpdate => ({
  kind: "ticker", symbol, price, bid: price, ask: price, bidQty: "1", askQty: "1", eventTime, bridgeTime: eventTime,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("MarketFeed: quotes and what reaches the hubs", () => {
  it("quotes the newest tick at once; a hub with an empty trigger book gets its state at most every interval", async () => {
    const feed = marketFeedOf(env);
    const hub = env.SYMBOL_HUB.getByName("AAVEUSDT");
    const t0 = Date.now();
    await feed.ingest([tick("AAVEUSDT", "100.0", t0)]);
    await feed.ingest([tick("AAVEUSDT", "101.0", t0 + 1)]);
    await feed.ingest([tick("AAVEUSDT", "102.0", t0 + 2)]);
    expect((await feed.quote("AAVEUSDT"))?.price).toBe("102.0");
    expect((await hub.latest())?.price).toBe("100.0"); // the first batch went through, the rest are held
    await sleep(HUB_STATE_INTERVAL_MS + 100);
    expect((await hub.latest())?.price).toBe("102.0"); // the held state arrived without another tick
  });

  it("sends every batch to a watched hub, and holds again once the hub stops watching", async () => {
    const feed = marketFeedOf(env);
    const hub = env.SYMBOL_HUB.getByName("UNIUSDT");
    const t0 = Date.now();
    await feed.ingest([tick("UNIUSDT", "7.0", t0)]);
    expect((await feed.watch("UNIUSDT", true))?.price).toBe("7.0");
    await feed.ingest([tick("UNIUSDT", "7.1", t0 + 1)]);
    expect((await hub.latest())?.price).toBe("7.1");
    await feed.watch("UNIUSDT", false);
    await feed.ingest([tick("UNIUSDT", "7.2", t0 + 2)]);
    expect((await hub.latest())?.price).toBe("7.1");
    expect((await feed.quote("UNIUSDT"))?.price).toBe("7.2");
  });

  it("falls back to the hub's persisted ticker when the feed has none", async () => {
    const t = tick("FILUSDT", "4.5", Date.now());
    await env.SYMBOL_HUB.getByName("FILUSDT").applyUpdates([t]);
    expect((await marketFeedOf(env).quote("FILUSDT"))?.price).toBe("4.5");
  });
});
