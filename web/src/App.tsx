/** The shell: restores the session, then shows the sign-in form or the (lazy) markets view. */
import { lazy, Match, Suspense, Switch, type JSX } from "solid-js";
import { SessionContext, type Session } from "./lib/session";
import { AuthPage } from "./routes/AuthPage";

export const MarketsPage = lazy(() => import("./routes/MarketsPage"));

function Splash(): JSX.Element {
  return (
    <div class="splash" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>Loading…</span>
    </div>
  );
}

export function App(props: { session: Session }): JSX.Element {
  const status = () => props.session.status();
  return (
    <SessionContext.Provider value={props.session}>
      <Switch fallback={<Splash />}>
        <Match when={status() === "signed-out"}>
          <AuthPage onIntent={() => void MarketsPage.preload()} />
        </Match>
        <Match when={status() === "signed-in"}>
          <Suspense fallback={<Splash />}>
            <MarketsPage />
          </Suspense>
        </Match>
      </Switch>
    </SessionContext.Provider>
  );
}
