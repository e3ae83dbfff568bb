import { render, screen } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import { TextField } from "./TextField";

describe("TextField", () => {
  it("labels the input, describes it by its hint and, while there is one, its error", () => {
    const [error, setError] = createSignal<string | undefined>(undefined);
    render(() => <TextField idPrefix="f" name="quoteAmount" label="Order size (USDT)" value="25" hint="Empty: sized by risk." error={error()} />);
    const input = screen.getByLabelText("Order size (USDT)") as HTMLInputElement;
    expect(input.id).toBe("f-quoteAmount");
    expect(input.name).toBe("quoteAmount");
    expect(input.value).toBe("25");
    expect(input.getAttribute("inputmode")).toBe("decimal");
    expect(input.getAttribute("aria-describedby")).toBe("f-quoteAmount-hint");
    expect(input.getAttribute("aria-invalid")).toBeNull();
    setError("Between 0 and 1,000,000.");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("f-quoteAmount-hint f-quoteAmount-error");
    expect(document.getElementById("f-quoteAmount-error")?.textContent).toBe("Between 0 and 1,000,000.");
  });

  it("has no hint paragraph without a hint and hands typed text to onInput", () => {
    const typed: string[] = [];
    const { container } = render(() => <TextField idPrefix="g" name="price" label="Limit price (USDT)" value="" onInput={(v) => typed.push(v)} />);
    expect(container.querySelector(".hint")).toBeNull();
    const input = screen.getByLabelText("Limit price (USDT)") as HTMLInputElement;
    expect(input.getAttribute("aria-describedby")).toBeNull();
    input.value = "64000.5";
    input.dispatchEvent(new InputEvent("input", { bubbles: true }));
    expect(typed).toEqual(["64000.5"]);
  });
});
