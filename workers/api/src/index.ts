/** Entry of the edge Worker: the Hono app plus the Durable Object classes it binds. */
import { createApp } from "./app";

export { BridgeContainer, Gateway, MarketFeed, SymbolHub, Telemetry, UserAccount } from "../../../durable-objects/src";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<import("./env").Env>;
