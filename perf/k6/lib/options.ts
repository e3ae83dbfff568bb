/** Options every script shares. */
import type { Options } from "k6/options";

export const COMMON_OPTIONS = {
  // setup() may wait for the edge (HEALTH_RETRIES) and for the auth throttle (AUTH_WAIT_BUDGET).
  setupTimeout: "6m",
  // p(99) for the order-placement figure of the spec.
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"],
} satisfies Options;
