import { ORDER_TYPES as CORE_ORDER_TYPES, SYMBOL_NAMES as CORE_SYMBOLS, TIME_IN_FORCE as CORE_TIF } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { ORDER_TYPES, SYMBOL_NAMES, TIME_IN_FORCE } from "./instruments";

describe("the dashboard's copies of core's lists", () => {
  it("match core exactly, in order", () => {
    expect(SYMBOL_NAMES).toEqual(CORE_SYMBOLS);
    expect(ORDER_TYPES).toEqual(CORE_ORDER_TYPES);
    expect(TIME_IN_FORCE).toEqual(CORE_TIF);
  });
});
