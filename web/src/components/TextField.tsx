/**
 * A labelled text input (a price, a size, a percentage) with an optional hint under it and its
 * error message, wired for assistive tech: `aria-invalid` while there is an error and
 * `aria-describedby` naming the hint, then the error. Ids: `<idPrefix>-<name>`, `…-hint`, `…-error`.
 *
 * @example
 * <TextField idPrefix={id} name="quoteAmount" label="Order size (USDT)" value={v()} hint="…" error={errors().quoteAmount} />
 */
import { Show, type JSX } from "solid-js";
import { describedBy, FieldError } from "./FieldError";

export interface TextFieldProps {
  readonly idPrefix: string;
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly hint?: string;
  readonly error?: string | null;
  /** Default "decimal" (a numeric keypad on phones). */
  readonly inputmode?: "decimal" | "numeric" | "text";
  readonly autocomplete?: "off";
  readonly onInput?: (value: string) => void;
}

export function TextField(props: TextFieldProps): JSX.Element {
  const inputId = () => `${props.idPrefix}-${props.name}`;
  return (
    <div class="field">
      <label for={inputId()}>{props.label}</label>
      <input
        id={inputId()}
        name={props.name}
        type="text"
        inputmode={props.inputmode ?? "decimal"}
        autocomplete={props.autocomplete}
        value={props.value}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props.hint && `${inputId()}-hint`, props.error && `${inputId()}-error`)}
        onInput={(e) => props.onInput?.(e.currentTarget.value)}
      />
      <Show when={props.hint}>
        <p id={`${inputId()}-hint`} class="hint">
          {props.hint}
        </p>
      </Show>
      <FieldError id={`${inputId()}-error`} message={props.error} />
    </div>
  );
}
