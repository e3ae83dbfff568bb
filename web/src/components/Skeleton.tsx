/** Grey placeholder blocks of the final layout's size while data loads (no layout shift). */
import { For, type JSX } from "solid-js";

export function Skeleton(props: { lines?: number; label?: string; class?: string }): JSX.Element {
  return (
    <div class={`skeleton ${props.class ?? ""}`} role="status" aria-busy="true" aria-live="polite">
      <span class="sr-only">{props.label ?? "Loading…"}</span>
      <For each={Array.from({ length: props.lines ?? 3 })}>{() => <span class="skeleton-line" aria-hidden="true" />}</For>
    </div>
  );
}

/** The placeholder of a whole page while its chunk loads. */
export function PageSkeleton(): JSX.Element {
  return (
    <div class="page">
      <div class="skeleton-title" aria-hidden="true" />
      <Skeleton lines={4} label="Loading the page…" class="card pad" />
    </div>
  );
}
