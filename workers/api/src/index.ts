/** Entry of the edge Worker: the Hono app, the hourly housekeeping, and the Durable Object classes it binds. */
import { createApp } from "./app";
import { sweepAuthRows } from "./auth/housekeeping";
import type { Env } from "./env";
import { logJson } from "./telemetry/log";

export { BridgeContainer, Gateway, MarketFeed, SymbolHub, Telemetry, UserAccount } from "../../../durable-objects/src";

const app = createApp();

export default {
  fetch: app.fetch,
  /** The cron trigger (wrangler.toml `[triggers]`): deletes auth rows that decide nothing any more. */
  async scheduled(controller, env) {
    const counts = await sweepAuthRows(env.DB, controller.scheduledTime);
    logJson("info", "auth housekeeping", { cron: controller.cron, ...counts });
  },
} satisfies ExportedHandler<Env>;
