/**
 * A small typed client for the same-origin REST API.
 *
 * - JSON in, JSON out; the refresh cookie travels with `credentials: "same-origin"`.
 * - Every non-2xx answer is thrown as an {@link ApiError} carrying the server's `code` and
 *   `message` (the body is `{"error":{"code","message","requestId"}}`).
 * - Authenticated calls send `Authorization: Bearer <token>`; on a 401 the client refreshes the
 *   token once and retries once.
 *
 * @example
 * const api = createApiClient({ tokens: session });
 * const { user } = await api.get<MeResponse>("/api/me", { auth: true });
 */
import type { ApiErrorBody, AuthResponse, LoginRequest, PublicUser, RegisterRequest } from "@bot-core/core";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    /** Seconds from a `Retry-After` header (429, 503). */
    readonly retryAfterSec?: number,
    /** The error body's `details` (e.g. `{ violations: [{ rule, message }] }` on a 422). */
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The rules a rejected order broke (`details.violations`), when the server named them. */
  get violations(): Array<{ rule: string; message: string }> {
    const d = this.details;
    if (typeof d !== "object" || d === null || !("violations" in d) || !Array.isArray(d.violations)) return [];
    return d.violations.filter(
      (v: unknown): v is { rule: string; message: string } =>
        typeof v === "object" && v !== null && "rule" in v && typeof v.rule === "string" && "message" in v && typeof v.message === "string",
    );
  }
}

/** Where authenticated calls get their token, and how they renew it after a 401. */
export interface TokenSource {
  /** The current access token, or null when signed out. */
  accessToken(): string | null;
  /** Renews the access token; resolves null (or rejects) when the session is gone. */
  refresh(): Promise<string | null>;
}

export interface ApiClientOptions {
  /** Prefix of every path; "" for the same origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  tokens?: TokenSource;
}

export interface RequestOptions {
  body?: unknown;
  /** Send the bearer token (and refresh + retry once on 401). */
  auth?: boolean;
  signal?: AbortSignal;
  /** Extra headers, e.g. `Idempotency-Key`. */
  headers?: Record<string, string>;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ApiClient {
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, options?: Omit<RequestOptions, "body">): Promise<T>;
  post<T>(path: string, body?: unknown, options?: Omit<RequestOptions, "body">): Promise<T>;
  put<T>(path: string, body: unknown, options?: Omit<RequestOptions, "body">): Promise<T>;
  patch<T>(path: string, body: unknown, options?: Omit<RequestOptions, "body">): Promise<T>;
  delete<T>(path: string, options?: Omit<RequestOptions, "body">): Promise<T>;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = value.error;
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "string" &&
    "message" in error &&
    typeof error.message === "string"
  );
}

function retryAfter(res: Response): number | undefined {
  const header = res.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Turns a failed response into an ApiError, whatever its body. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    return new ApiError(res.status, body.error.code, body.error.message, body.error.requestId, retryAfter(res), body.error.details);
  }
  const message = res.status >= 500 ? "The server had a problem. Please try again." : `The request failed (HTTP ${res.status}).`;
  return new ApiError(res.status, "http_error", message, undefined, retryAfter(res));
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? "";
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function send(method: HttpMethod, path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers, Accept: "application/json" };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers, credentials: "same-origin" };
    if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
    if (opts.signal) init.signal = opts.signal;
    try {
      return await doFetch(`${baseUrl}${path}`, init);
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      throw new ApiError(0, "network_error", "Could not reach the server. Check your connection and try again.");
    }
  }

  async function request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
    const tokens = opts.auth ? options.tokens : undefined;
    if (opts.auth && !tokens) throw new Error(`${method} ${path} needs a token source`);
    let res = await send(method, path, opts, tokens?.accessToken() ?? null);
    if (res.status === 401 && tokens) {
      let renewed: string | null = null;
      try {
        renewed = await tokens.refresh();
      } catch {
        renewed = null;
      }
      if (renewed) res = await send(method, path, opts, renewed);
    }
    if (!res.ok) throw await errorFromResponse(res);
    if (res.status === 204 || res.headers.get("content-length") === "0") {
      // Only endpoints typed as `void` answer without a body.
      return undefined as T;
    }
    return (await res.json()) as T;
  }

  return {
    request,
    get: (path, opts) => request("GET", path, opts),
    post: (path, body, opts) => request("POST", path, { ...opts, body: body ?? {} }),
    put: (path, body, opts) => request("PUT", path, { ...opts, body }),
    patch: (path, body, opts) => request("PATCH", path, { ...opts, body }),
    delete: (path, opts) => request("DELETE", path, opts),
  };
}

export interface MeResponse {
  user: PublicUser;
}

/** The typed endpoints of `/auth/*` and `/api/me`. */
export function authEndpoints(api: ApiClient) {
  return {
    register: (body: RegisterRequest) => api.post<AuthResponse>("/auth/register", body),
    login: (body: LoginRequest) => api.post<AuthResponse>("/auth/login", body),
    /** The browser presents the HttpOnly refresh cookie; the body stays empty. */
    refresh: () => api.post<AuthResponse>("/auth/refresh", {}),
    logout: () => api.post<void>("/auth/logout", {}),
    me: () => api.get<MeResponse>("/api/me", { auth: true }),
  };
}
export type AuthEndpoints = ReturnType<typeof authEndpoints>;
