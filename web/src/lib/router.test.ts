import { describe, expect, it } from "vitest";
import { memoryHistory } from "../test/live";
import { createRouter, matchPath } from "./router";

describe("router", () => {
  it("matches patterns with parameters", () => {
    expect(matchPath("/markets/:symbol", "/markets/ETHUSDT")).toEqual({ symbol: "ETHUSDT" });
    expect(matchPath("/markets/:symbol", "/markets")).toBeNull();
    expect(matchPath("/", "/")).toEqual({});
    expect(matchPath("/trade", "/trades")).toBeNull();
  });

  it("navigates with the History API and matches the first pattern that fits", () => {
    const history = memoryHistory("/");
    const router = createRouter(["/", "/markets", "/markets/:symbol"], history);
    expect(router.match()).toEqual({ pattern: "/", params: {} });
    router.navigate("/markets/SOLUSDT");
    expect(history.entries).toEqual(["/", "/markets/SOLUSDT"]);
    expect(router.match()).toEqual({ pattern: "/markets/:symbol", params: { symbol: "SOLUSDT" } });
    router.navigate("/nowhere");
    expect(router.match()).toBeNull();
  });
});
