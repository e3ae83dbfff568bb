/**
 * POST /api/orders, market orders from many users (JWT check, zod, the MarketFeed's quote, one
 * UserAccount transaction), against GET /health on the same socket in the same run.
 * Each user alternates buy and sell so positions stay small and no order is refused for margin.
 * Goals (trading-core issue): order p50 <= 2x /health p50; throughput >= 35% of /health's.
 *
 * A third subject is the floor of any signed-in account call on this runtime: GET
 * /api/trading/settings makes the same number of Durable Object calls as an order (the
 * admission, with its rate-bucket write, and the settings read) and has no trading logic. What
 * an order costs above it is the order's own work: its risk checks and its transaction.
 */
import { marketOrderLoad, signedInGetLoad } from "../harness/market-orders";
import { measureHttp, type HttpSubject } from "../harness/measure";
import { ratiosOf, type Scenario } from "./types";

export const orderPlacementScenario: Scenario = {
  name: "order-placement",
  description: "POST /api/orders (market, paper fill) from many users against GET /health on workerd's own socket (same run).",
  async run(ctx) {
    await ctx.stack.ensureDirect();
    const subjects: HttpSubject[] = [
      { id: "health", label: "edge /health", role: "baseline", load: { url: `${ctx.stack.directUrl}/health` } },
      { id: "order", label: "POST /api/orders (market)", role: "target", load: marketOrderLoad(ctx.stack.directUrl, ctx.tokens) },
      { id: "account-call", label: "GET /api/trading/settings (floor: two account calls, one small write)", role: "target", load: signedInGetLoad(`${ctx.stack.directUrl}/api/trading/settings`, ctx.tokens) },
    ];
    const concurrencies = ctx.quick ? [10] : [10, 50];
    const measurements = await measureHttp(subjects, { concurrencies, durationSec: ctx.durationSec, repeats: ctx.repeats, log: ctx.log, recover: () => ctx.stack.ensureDirect() });
    const at = (id: string) => measurements.find((m) => m.id === id)!;
    const ratios = concurrencies.flatMap((c) => [
      ...ratiosOf(at(`order-c${c}`), at(`health-c${c}`), { p50: 2, throughput: 0.35 }),
      ...ratiosOf(at(`account-call-c${c}`), at(`health-c${c}`)),
    ]);
    return {
      measurements,
      ratios,
      notes: [
        `${ctx.tokens.length} users, alternating buy/sell 0.001 BTCUSDT; each order: JWT verify, zod, SymbolHub RPC for the price, UserAccount RPC with one SQLite transaction (local SQLite commits go to disk: nothing to learn about production storage from it).`,
        "Goals: order p50 <= 2x /health p50, throughput >= 0.35x /health's. Spec floor: order placement p99 < 10 ms in production.",
        "account-call (GET /api/trading/settings) is the floor of a signed-in account call here: the same two Durable Object calls as an order (admission with its rate-bucket write, then the read), no trading logic. Its ratio to /health is what this runtime charges before an order does any work of its own.",
        "Server-Timing stages (validation, price, execution) are in whole milliseconds locally: workerd's clock moves only across I/O.",
      ],
    };
  },
};
