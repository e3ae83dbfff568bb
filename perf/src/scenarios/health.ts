/**
 * GET /health (no I/O) on workerd's own socket and through wrangler's proxy, against a bare
 * Node http server: what the Workers runtime and the local proxy cost before any app work.
 */
import { startBareNode } from "../harness/bare-node";
import { measureHttp, type HttpSubject } from "../harness/measure";
import { ratiosOf, type Scenario } from "./types";

export const healthScenario: Scenario = {
  name: "health",
  description: "GET /health on workerd's own socket and through wrangler's proxy, against bare Node http (same run).",
  async run(ctx) {
    await ctx.stack.ensureDirect();
    const bare = await startBareNode();
    try {
      const subjects: HttpSubject[] = [
        { id: "bare-node", label: "bare Node http", role: "baseline", load: { url: `${bare.url}/` } },
        { id: "edge-health", label: "edge /health (workerd socket)", role: "target", load: { url: `${ctx.stack.directUrl}/health` } },
        { id: "edge-health-proxy", label: "edge /health (via wrangler proxy)", role: "target", load: { url: `${ctx.stack.edgeUrl}/health` } },
      ];
      const concurrencies = ctx.quick ? [10] : [10, 50];
      const measurements = await measureHttp(subjects, { concurrencies, durationSec: ctx.durationSec, repeats: ctx.repeats, log: ctx.log, recover: () => ctx.stack.ensureDirect() });
      const ratios = concurrencies.flatMap((c) => {
        const get = (id: string) => measurements.find((m) => m.id === `${id}-c${c}`)!;
        return [...ratiosOf(get("edge-health"), get("bare-node")), ...ratiosOf(get("edge-health-proxy"), get("edge-health"))];
      });
      return {
        measurements,
        ratios,
        notes: [
          ctx.stack.directFound ? "Direct figures use workerd's own socket (found through the kernel's socket table)." : "workerd's own socket was not found; 'workerd socket' figures went through wrangler's proxy.",
          "The load generator (autocannon) shares the 2 cores with the server; its cost is in every client-side figure.",
        ],
      };
    } finally {
      await bare.close();
    }
  },
};
