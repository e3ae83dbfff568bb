/**
 * Signed in: the live BTCUSDT ticker over the realtime socket, the connection state, the
 * account's email and sign-out. Loaded lazily (its own chunk).
 */
import { createSignal, onCleanup, onMount, type JSX } from "solid-js";
import type { Channel } from "@bot-core/core";
import { ConnectionIndicator } from "../components/ConnectionIndicator";
import { PriceDisplay } from "../components/PriceDisplay";
import { createRealtimeClient, defaultSocketUrl, type SocketFactory } from "../lib/realtime";
import { useSession } from "../lib/session";
import { createPriceStore } from "../stores/prices";
import { Logo } from "./AuthPage";

const SYMBOL = "BTCUSDT";

export default function MarketsPage(props: { createSocket?: SocketFactory }): JSX.Element {
  const session = useSession();
  const prices = createPriceStore();
  const realtime = createRealtimeClient({
    url: defaultSocketUrl(),
    getToken: (force) => session.freshToken({ force }),
    onMarket: (updates) => prices.apply(updates),
    ...(props.createSocket ? { createSocket: props.createSocket } : {}),
  });
  const channels: Channel[] = [`ticker:${SYMBOL}`];
  const [signingOut, setSigningOut] = createSignal(false);
  const onOnline = () => realtime.reconnectNow();

  onMount(() => {
    document.title = "Markets · Bot Core";
    realtime.subscribe(channels);
    realtime.connect();
    window.addEventListener("online", onOnline);
  });
  onCleanup(() => {
    window.removeEventListener("online", onOnline);
    realtime.close();
  });

  async function signOut(): Promise<void> {
    setSigningOut(true);
    realtime.close();
    await session.signOut();
  }

  return (
    <div class="shell">
      <header class="topbar">
        <p class="brand">
          <Logo /> <span class="brand-name">Bot Core</span>
        </p>
        <ConnectionIndicator state={realtime.state} detail={realtime.lastError()} />
        <div class="account">
          <span class="account-email" title={session.user()?.email}>
            <span class="sr-only">Signed in as </span>
            {session.user()?.email}
          </span>
          <button class="button" type="button" onClick={() => void signOut()} disabled={signingOut()}>
            {signingOut() ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </header>
      <main class="content">
        <h1>Markets</h1>
        <PriceDisplay symbol={SYMBOL} quotes={prices.quotes} />
      </main>
    </div>
  );
}
