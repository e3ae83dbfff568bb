/** The root: restores the session, then shows the sign-in form or the (lazy) signed-in shell. */
import { lazy, Match, Suspense, Switch, type JSX } from "solid-js";
import { PageSkeleton } from "./components/Skeleton";
import type { SocketFactory } from "./lib/realtime";
import type { HistoryLike } from "./lib/router";
import { SessionContext, type Session } from "./lib/session";
import { createTheme, type Theme } from "./lib/theme";
import { AuthPage } from "./routes/AuthPage";

export const Shell = lazy(() => import("./routes/Shell"));

function Splash(): JSX.Element {
  return (
    <div class="splash" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>Loading…</span>
    </div>
  );
}

export function App(props: { session: Session; theme?: Theme; createSocket?: SocketFactory; history?: HistoryLike }): JSX.Element {
  const theme = props.theme ?? createTheme();
  const status = () => props.session.status();
  return (
    <SessionContext.Provider value={props.session}>
      <Switch fallback={<Splash />}>
        <Match when={status() === "signed-out"}>
          <AuthPage onIntent={() => void Shell.preload()} />
        </Match>
        <Match when={status() === "signed-in"}>
          <Suspense fallback={<PageSkeleton />}>
            <Shell theme={theme} {...(props.createSocket ? { createSocket: props.createSocket } : {})} {...(props.history ? { history: props.history } : {})} />
          </Suspense>
        </Match>
      </Switch>
    </SessionContext.Provider>
  );
}
