/**
 * The dashboard's realtime client: `@bot-core/realtime-client` (protocol v1: auth by
 * subprotocol, resubscribe, backoff, heartbeat, acks, resume) with its state and last error as
 * Solid signals, fed by the client's state listener.
 *
 * @example
 * const rt = createRealtimeClient({ url: defaultSocketUrl(), getToken: (force) => session.freshToken({ force }), onMarket: prices.apply });
 * rt.subscribe(["ticker:BTCUSDT"]);
 * rt.connect();
 */
import { createSignal, type Accessor } from "solid-js";
import {
  createRealtimeClient as createClient,
  socketUrlFor,
  type ConnectionState,
  type RealtimeClient as CoreClient,
  type RealtimeOptions,
} from "@bot-core/realtime-client";

export {
  AUTH_CLOSE_CODES,
  BACKOFF_BASE_MS,
  BACKOFF_JITTER,
  BACKOFF_MAX_MS,
  backoffDelay,
  DEFAULT_HEARTBEAT_MS,
  MD_ACK_EVERY,
  parseServerFrame,
} from "@bot-core/realtime-client";
export type {
  ConnectionState,
  InboundFrame,
  KlineFrameUpdate,
  MarketFrameUpdate,
  PrivateEventDelivery,
  PrivateStreamEvent,
  RealtimeEvents,
  RealtimeOptions,
  SignalFrameUpdate,
  SocketFactory,
  SocketLike,
  TickerFrameUpdate,
} from "@bot-core/realtime-client";

export interface RealtimeClient {
  readonly state: Accessor<ConnectionState>;
  /** The last error reported by the server or met while connecting, for display. */
  readonly lastError: Accessor<string | null>;
  /** Listeners of the underlying client (market updates, private events, errors…). */
  readonly on: CoreClient["on"];
  connect(): void;
  subscribe: CoreClient["subscribe"];
  unsubscribe: CoreClient["unsubscribe"];
  /** Skips the remaining backoff (e.g. when the browser comes back online). */
  reconnectNow(): void;
  close(): void;
}

/** `ws(s)://<host>/ws` for the page's own origin. */
export function defaultSocketUrl(location: Pick<Location, "protocol" | "host"> = window.location): string {
  return socketUrlFor(location);
}

export function createRealtimeClient(options: RealtimeOptions): RealtimeClient {
  const client = createClient(options);
  const [state, setState] = createSignal<ConnectionState>(client.state);
  const [lastError, setLastError] = createSignal<string | null>(client.lastError);
  client.on("state", (s) => {
    setLastError(s.lastError);
    setState(s.state);
  });
  return {
    state,
    lastError,
    on: (type, listener) => client.on(type, listener),
    connect: () => client.connect(),
    subscribe: (channels) => client.subscribe(channels),
    unsubscribe: (channels) => client.unsubscribe(channels),
    reconnectNow: () => client.reconnectNow(),
    close: () => client.close(),
  };
}
