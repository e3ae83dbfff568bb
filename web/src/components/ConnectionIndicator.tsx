/**
 * The socket's state as a small status pill. Its text is the human label ("Live" when open);
 * `data-state` carries the raw state. A polite live region, so changes are announced.
 */
import type { Accessor, JSX } from "solid-js";
import type { ConnectionState } from "../lib/realtime";

export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting",
  open: "Live",
  reconnecting: "Reconnecting",
  closed: "Disconnected",
};

export function ConnectionIndicator(props: { state: Accessor<ConnectionState>; detail?: string | null }): JSX.Element {
  return (
    <p class="connection" role="status" data-testid="connection-state" data-state={props.state()} title={props.detail ?? undefined}>
      <span class="connection-dot" aria-hidden="true" />
      {CONNECTION_LABELS[props.state()]}
    </p>
  );
}
