/** Request parsing that throws 4xx ApiErrors with a clear message; never a 500 for bad input. */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError, badRequest } from "./errors";

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** Parses the JSON body against a schema. Malformed JSON -> 400 bad_json; schema errors -> 400 invalid_request. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    throw badRequest("bad_json", "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw badRequest("invalid_request", describe(parsed.error), parsed.error.issues.slice(0, 20));
  }
  return parsed.data;
}

/** Like jsonBody, but an empty body is read as `{}`. */
export async function optionalJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  if (text.trim() === "") {
    const parsed = schema.safeParse({});
    if (parsed.success) return parsed.data;
    throw badRequest("invalid_request", describe(parsed.error));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest("bad_json", "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest("invalid_request", describe(parsed.error));
  return parsed.data;
}
