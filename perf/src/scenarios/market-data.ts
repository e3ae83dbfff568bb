/**
 * GET /api/market-data/latest/BTCUSDT (Worker -> SymbolHub DO RPC -> JSON) against GET /health
 * on the same socket in the same run: what one Durable Object round trip adds.
 */
import { measureHttp, type HttpSubject } from "../harness/measure";
import { ratiosOf, type Scenario } from "./types";

export const marketDataScenario: Scenario = {
  name: "market-data",
  description: "GET /api/market-data/latest/:symbol (one DO RPC) against GET /health on workerd's own socket (same run).",
  async run(ctx) {
    await ctx.stack.ensureDirect();
    const subjects: HttpSubject[] = [
      { id: "health", label: "edge /health", role: "baseline", load: { url: `${ctx.stack.directUrl}/health` } },
      { id: "market-data", label: "GET /api/market-data/latest/BTCUSDT", role: "target", load: { url: `${ctx.stack.directUrl}/api/market-data/latest/BTCUSDT` } },
    ];
    const concurrencies = ctx.quick ? [10] : [10, 50];
    const measurements = await measureHttp(subjects, { concurrencies, durationSec: ctx.durationSec, repeats: ctx.repeats, log: ctx.log, recover: () => ctx.stack.ensureDirect() });
    const ratios = concurrencies.flatMap((c) => ratiosOf(measurements.find((m) => m.id === `market-data-c${c}`)!, measurements.find((m) => m.id === `health-c${c}`)!));
    return { measurements, ratios, notes: ["Spec target: market data p95 < 100 ms (NFR-PERFORMANCE-001)."] };
  },
};
