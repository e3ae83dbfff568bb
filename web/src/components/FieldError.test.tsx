import { render, screen } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import { describedBy, FieldError } from "./FieldError";

describe("FieldError", () => {
  it("shows the message under the given id only while there is one", () => {
    const [message, setMessage] = createSignal<string | undefined>(undefined);
    const { container } = render(() => <FieldError id="f-size-error" message={message()} />);
    expect(container.querySelector(".field-error")).toBeNull();
    setMessage("Between 0.7 and 1.");
    const p = screen.getByText("Between 0.7 and 1.");
    expect(p.id).toBe("f-size-error");
    expect(p.className).toBe("field-error");
    setMessage(undefined);
    expect(container.querySelector(".field-error")).toBeNull();
  });

  it("joins the describing ids that apply", () => {
    expect(describedBy("a-hint", false, "a-error")).toBe("a-hint a-error");
    expect(describedBy(undefined, "", null)).toBeUndefined();
  });
});
