import { describe, expect, it } from "vitest";
import { categoryOf } from "./categories";

describe("endpoint categories", () => {
  it("maps route patterns to the spec's categories", () => {
    expect(categoryOf("GET", "/health")).toBe("health");
    expect(categoryOf("POST", "/auth/login")).toBe("auth");
    expect(categoryOf("POST", "/api/orders")).toBe("execution");
    expect(categoryOf("POST", "/api/trading/positions/:symbol/close")).toBe("execution");
    expect(categoryOf("GET", "/api/orders/:id")).toBe("trading");
    expect(categoryOf("GET", "/api/market-data/latest/:symbol")).toBe("market");
    expect(categoryOf("GET", "/ws")).toBe("websocket");
    expect(categoryOf("GET", "unmatched")).toBe("other");
  });
});
