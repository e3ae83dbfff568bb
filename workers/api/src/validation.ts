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

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("bad_json", "the request body is not valid JSON");
  }
}

/** Validates a value against a schema; a violation is 400 invalid_request naming the fields. */
export function validate<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest("invalid_request", describe(parsed.error), parsed.error.issues.slice(0, 20));
  return parsed.data;
}

/** Parses the JSON body against a schema. Malformed JSON -> 400 bad_json; schema errors -> 400 invalid_request. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  }
  return validate(schema, parseJsonText(await c.req.text()));
}

/** Like jsonBody, but an empty body is read as `{}`. */
export async function optionalJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  return validate(schema, text.trim() === "" ? {} : parseJsonText(text));
}

/** Validates the query string against a schema (400 invalid_request on violations). */
export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return validate(schema, c.req.query());
}
