/** Entry: one session for the page, restored from the refresh cookie before anything shows. */
import { render } from "solid-js/web";
import { App, Shell } from "./App";
import { startRum } from "./lib/rum";
import { createSession } from "./lib/session";
import { createTheme } from "./lib/theme";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

// Before the first render, so the page never flashes the other theme.
const theme = createTheme();
const session = createSession();
// A returning visitor: fetch the shell's chunk while the session is being restored.
if (session.mayBeSignedIn()) void Shell.preload();
void session.restore();

render(() => <App session={session} theme={theme} />, root);

// Core Web Vitals of this page view go to POST /api/rum when the page is hidden (lib/rum.ts).
if (import.meta.env.PROD) startRum();

// The service worker caches the app shell and static assets only (never API answers).
if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
      // No offline shell then; the app works the same online.
    });
  });
}
