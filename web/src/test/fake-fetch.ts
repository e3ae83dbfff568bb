/**
 * A scripted `fetch` for API and session tests: each call is answered by the next handler for
 * its path, and every request is recorded (method, path, headers, parsed body).
 */
import { vi } from "vitest";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

type Responder = (req: RecordedRequest) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

export function apiError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return json(status, { error: { code, message, requestId: "req-1" } }, headers);
}

export function authResponse(email = "trader@example.com", accessToken = "access-1") {
  return {
    accessToken,
    expiresIn: 900,
    refreshToken: "r".repeat(43),
    tokenType: "Bearer" as const,
    user: { id: "u-1", email, displayName: null, createdAt: "2026-11-01T00:00:00.000Z" },
  };
}

export function fakeFetch(routes: Record<string, Responder | Responder[]>) {
  const requests: RecordedRequest[] = [];
  const queues = new Map<string, Responder[]>(Object.entries(routes).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v]]));
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const path = new URL(url, "http://app.test").pathname;
    const method = init?.method ?? "GET";
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    const req: RecordedRequest = { method, path, headers, body, credentials: init?.credentials };
    requests.push(req);
    const queue = queues.get(`${method} ${path}`);
    const responder = queue && (queue.length > 1 ? queue.shift() : queue[0]);
    if (!responder) throw new Error(`unexpected request ${method} ${path}`);
    return responder(req);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, requests, mock: fetch };
}
