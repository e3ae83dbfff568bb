/**
 * A form field's error message: nothing when there is none, else a `<p class="field-error">`
 * whose id the input names in `aria-describedby` (see `describedBy`).
 */
import { Show, type JSX } from "solid-js";

export function FieldError(props: { id: string; message: string | null | undefined }): JSX.Element {
  return (
    <Show when={props.message}>
      {(m) => (
        <p id={props.id} class="field-error">
          {m()}
        </p>
      )}
    </Show>
  );
}

/** `aria-describedby` from the ids that apply (falsy ones dropped); undefined when none do. */
export function describedBy(...ids: Array<string | false | null | undefined>): string | undefined {
  const list = ids.filter((i): i is string => typeof i === "string" && i !== "");
  return list.length > 0 ? list.join(" ") : undefined;
}
