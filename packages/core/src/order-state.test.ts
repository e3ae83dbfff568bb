import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canTransition, IllegalTransitionError, isTerminal, isWorking, ORDER_EVENTS, ORDER_STATUSES, transition, type OrderStatus } from "./order-state";

describe("order state machine", () => {
  it("walks the documented happy paths", () => {
    expect(transition("pending_new", "fill")).toBe("filled");
    expect(transition(transition("pending_new", "accept"), "partial_fill")).toBe("partially_filled");
    expect(transition("partially_filled", "fill")).toBe("filled");
    expect(transition(transition("pending_new", "accept_stop"), "trigger")).toBe("open");
    expect(transition("open", "cancel")).toBe("canceled");
    expect(transition("pending_new", "reject")).toBe("rejected");
  });

  it("refuses illegal transitions with a message naming the state and the event", () => {
    expect(() => transition("filled", "cancel")).toThrow(IllegalTransitionError);
    expect(() => transition("filled", "cancel")).toThrow("an order that is filled cannot cancel");
    expect(() => transition("canceled", "fill")).toThrow(IllegalTransitionError);
    expect(() => transition("open", "trigger")).toThrow(IllegalTransitionError);
    expect(() => transition("pending_trigger", "fill")).toThrow(IllegalTransitionError);
  });

  it("never leaves a terminal state, over any sequence of events (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ORDER_EVENTS), { maxLength: 30 }), (events) => {
        let status: OrderStatus = "pending_new";
        let terminalAt: OrderStatus | null = null;
        for (const e of events) {
          if (!canTransition(status, e)) {
            expect(() => transition(status, e)).toThrow(IllegalTransitionError);
            continue;
          }
          expect(terminalAt).toBeNull();
          status = transition(status, e);
          if (isTerminal(status)) terminalAt = status;
        }
      }),
    );
  });

  it("classifies statuses", () => {
    const terminal = ORDER_STATUSES.filter(isTerminal);
    expect(terminal.sort()).toEqual(["canceled", "expired", "filled", "rejected"]);
    expect(ORDER_STATUSES.filter(isWorking).sort()).toEqual(["open", "partially_filled", "pending_trigger"]);
  });
});
