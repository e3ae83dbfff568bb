/**
 * POST /bridge/executions — the bridge reports live orders' updates and fills (bearer
 * BRIDGE_TOKEN, compared in constant time; not a user route). Under `/bridge/*` with the bridge's
 * socket: that prefix reaches the Worker before static assets (wrangler.toml run_worker_first). Each user's reports go to their
 * UserAccount over RPC, which applies every fill exactly once by venue trade id, so the bridge may
 * resend a batch as often as it needs to.
 *
 * Body: { reports: ExecutionReport[] (1-100) } -> { applied, duplicates, unknown }
 */
import { Hono } from "hono";
import { z } from "zod";
import { ExecutionReport } from "../../../../durable-objects/src/account/live-execution";
import { sha256Hex } from "../auth/encoding";
import type { AppEnv } from "../env";
import { ApiError, unauthorized } from "../errors";
import { jsonBody } from "../validation";

export const ExecutionsRequest = z.strictObject({ reports: z.array(ExecutionReport).min(1).max(100) });

async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256Hex(given), sha256Hex(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export const internalExecutionRoutes = new Hono<AppEnv>().post("/bridge/executions", async (c) => {
  const token = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(c.req.header("authorization") ?? "")?.[1];
  if (!c.env.BRIDGE_TOKEN) throw new ApiError(503, "not_configured", "BRIDGE_TOKEN is not set");
  if (!token || !(await sameSecret(token, c.env.BRIDGE_TOKEN))) throw unauthorized("a valid bridge token is required");
  const body = await jsonBody(c, ExecutionsRequest);
  const byUser = new Map<string, ExecutionReport[]>();
  for (const r of body.reports) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
  const totals = { applied: 0, duplicates: 0, unknown: 0 };
  for (const [userId, reports] of byUser) {
    const r = await c.env.USER_ACCOUNT.getByName(userId).applyExecutions(reports);
    totals.applied += r.applied;
    totals.duplicates += r.duplicates;
    totals.unknown += r.unknown;
  }
  return c.json(totals);
});
