import { createRoot } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { trade } from "../test/fixtures";
import type { HistoryFilter } from "../lib/trading-api";
import { createHistoryList } from "./history";

describe("createHistoryList", () => {
  it("pages with the cursor, never fetches twice at once, never repeats a row, and starts over on a new filter", async () => {
    const calls: Array<{ filter: HistoryFilter; cursor: string | null | undefined }> = [];
    const pages: Record<string, { trades: ReturnType<typeof trade>[]; nextCursor: string | null }> = {
      first: { trades: [trade(3), trade(2)], nextCursor: "c2" },
      c2: { trades: [trade(2), trade(1)], nextCursor: null },
    };
    const history = vi.fn(async (filter: HistoryFilter, cursor?: string | null) => {
      calls.push({ filter, cursor });
      return filter.symbol ? { trades: [trade(9, { symbol: "ETHUSDT" })], nextCursor: null } : pages[cursor ?? "first"]!;
    });
    const list = createRoot(() => createHistoryList({ history }, 2));
    await Promise.all([list.loadMore(), list.loadMore()]);
    expect(history).toHaveBeenCalledTimes(1);
    await list.loadMore();
    expect(list.trades().map((t) => t.tradeId)).toEqual(["t-3", "t-2", "t-1"]);
    expect(list.done()).toBe(true);
    await list.loadMore();
    expect(history).toHaveBeenCalledTimes(2);
    await list.reset({ symbol: "ETHUSDT" });
    expect(list.trades().map((t) => t.symbol)).toEqual(["ETHUSDT"]);
    expect(calls.at(-1)).toEqual({ filter: { symbol: "ETHUSDT" }, cursor: null });
  });
});
