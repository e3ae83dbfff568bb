/** The clear "this is not there yet" state of a feature whose endpoint answers 404. */
import { Show, type JSX } from "solid-js";

export function NotAvailable(props: { what: string; endpoint: string; status?: number }): JSX.Element {
  return (
    <div class="notice" role="status" data-testid="not-available" data-status={props.status ?? 404}>
      <Show
        when={(props.status ?? 404) === 404 || props.status === 501}
        fallback={
          <>
            <strong>{props.what} could not be loaded.</strong>
            <p class="small">
              <code>{props.endpoint}</code> failed ({props.status ? `HTTP ${props.status}` : "the server could not be reached"}). It is tried again when you come back to this page.
            </p>
          </>
        }
      >
        <strong>{props.what} is not available yet.</strong>
        <p class="small">
          The server does not offer <code>{props.endpoint}</code> yet (HTTP {props.status ?? 404}). This page fills in as soon as it does.
        </p>
      </Show>
    </div>
  );
}
