/** Entry: one session for the page, restored from the refresh cookie before anything shows. */
import { render } from "solid-js/web";
import { App, MarketsPage } from "./App";
import { createSession } from "./lib/session";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

const session = createSession();
// A returning visitor: fetch the markets chunk while the session is being restored.
if (session.mayBeSignedIn()) void MarketsPage.preload();
void session.restore();

render(() => <App session={session} />, root);
