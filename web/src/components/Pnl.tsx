/** A profit/loss figure, coloured and signed, with the sign spoken for screen readers. */
import type { JSX } from "solid-js";
import { fixed, signOf } from "../lib/pnl";

export function Pnl(props: { value: string; places?: number; testId?: string }): JSX.Element {
  const sign = () => signOf(props.value);
  const text = () => {
    const v = fixed(props.value, props.places ?? 2);
    return sign() > 0 ? `+${v}` : v;
  };
  return (
    <span class="pnl num" data-sign={sign() > 0 ? "up" : sign() < 0 ? "down" : "flat"} data-testid={props.testId}>
      <span class="sr-only">{sign() > 0 ? "profit " : sign() < 0 ? "loss " : ""}</span>
      {text()}
    </span>
  );
}
