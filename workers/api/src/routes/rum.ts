/**
 * POST /api/rum: the dashboard's Core Web Vitals (real-user monitoring), sent once per page view
 * with `navigator.sendBeacon` when the page is hidden (web/src/lib/rum.ts). Body:
 * `{ page, lcp?, inp?, cls? }` — `page` is the dashboard's top-level page ("/", "/markets", ...;
 * anything else is recorded as "other"), values in ms (CLS unitless). No user, no URL, no IP is
 * recorded: the readings go into the `web_vitals_*` histograms by page only.
 *
 * No sign-in needed (the sign-in page's LCP counts too); 20 reports per minute per client IP
 * (the IP is hashed before it is used as the counter key). 204 on success; 400 for a bad body;
 * 415 without a JSON content type; 429 over the limit.
 */
import { Hono } from "hono";
import { z } from "zod";
import { throttle, type ThrottleRule } from "../auth/throttle";
import type { AppEnv } from "../env";
import { telemetryEnabled } from "../middleware/request-metrics";
import { recorder } from "../telemetry/recorder";
import { jsonBody } from "../validation";

export const RUM_PER_IP: ThrottleRule = { name: "rum-ip", limit: 20, windowMs: 60_000 };

/** The dashboard's top-level pages (web/src/routes/Shell.tsx ROUTES, first segment). */
export const RUM_PAGES = ["/", "/markets", "/trade", "/positions", "/history", "/signals", "/system", "/settings"] as const;

export const RumReport = z
  .strictObject({
    page: z.string().max(64).regex(/^\/[a-z0-9-]*$/, "a path of one segment such as /markets"),
    lcp: z.number().finite().min(0).max(120_000).optional(),
    inp: z.number().finite().min(0).max(60_000).optional(),
    cls: z.number().finite().min(0).max(100).optional(),
  })
  .refine((r) => r.lcp !== undefined || r.inp !== undefined || r.cls !== undefined, "send at least one of lcp, inp, cls");

async function ipKey(ip: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`rum:${ip}`));
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const rumRoutes = new Hono<AppEnv>().post("/rum", async (c) => {
  const report = await jsonBody(c, RumReport);
  await throttle(c.env.DB).hit(RUM_PER_IP, await ipKey(c.req.header("cf-connecting-ip") ?? "unknown"));
  if (telemetryEnabled(c.env)) {
    const page = (RUM_PAGES as readonly string[]).includes(report.page) ? report.page : "other";
    const now = Date.now();
    if (report.lcp !== undefined) recorder.recordWebVital("lcp", page, report.lcp, now);
    if (report.inp !== undefined) recorder.recordWebVital("inp", page, report.inp, now);
    if (report.cls !== undefined) recorder.recordWebVital("cls", page, report.cls * 1000, now);
  }
  return c.body(null, 204);
});
