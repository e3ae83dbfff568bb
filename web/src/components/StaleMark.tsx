/**
 * Says that a number is old: "stale · 12 s old", or nothing while the data is fresh. Numbers
 * inside a `[data-stale=true]` container are dimmed by the stylesheet.
 */
import { Show, type JSX } from "solid-js";

export function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s old`;
  const m = Math.round(s / 60);
  return m < 90 ? `${m} min old` : `${Math.round(m / 60)} h old`;
}

export function StaleMark(props: { stale: boolean; updatedAt: number | null | undefined; now: number; what?: string }): JSX.Element {
  return (
    <Show when={props.stale}>
      <span class="stale-mark" role="status" data-testid="stale-mark">
        <span aria-hidden="true">⚠</span> {props.what ? `${props.what} ` : ""}stale
        <Show when={props.updatedAt}>{(t) => <> · {ageText(props.now - t())}</>}</Show>
      </span>
    </Show>
  );
}
