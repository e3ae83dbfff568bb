import { describe, expect, it, vi } from "vitest";
import { apiError, authResponse, fakeFetch, json } from "../test/fake-fetch";
import { ApiError, authEndpoints, createApiClient, type TokenSource } from "./api";

function tokens(initial: string | null, renewed: string | null): TokenSource & { refresh: ReturnType<typeof vi.fn> } {
  let current = initial;
  return {
    accessToken: () => current,
    refresh: vi.fn(async () => {
      current = renewed;
      return renewed;
    }),
  };
}

describe("createApiClient", () => {
  it("sends JSON with the same-origin credentials and parses the JSON answer", async () => {
    const f = fakeFetch({ "POST /auth/login": () => json(200, authResponse()) });
    const api = authEndpoints(createApiClient({ fetch: f.fetch }));
    const res = await api.login({ email: "trader@example.com", password: "secret-pass" });
    expect(res.user.email).toBe("trader@example.com");
    expect(f.requests).toEqual([
      {
        method: "POST",
        path: "/auth/login",
        headers: { accept: "application/json", "content-type": "application/json" },
        body: { email: "trader@example.com", password: "secret-pass" },
        credentials: "same-origin",
      },
    ]);
  });

  it("throws the server's error code and message as an ApiError", async () => {
    const f = fakeFetch({ "POST /auth/login": () => apiError(401, "invalid_credentials", "email or password is incorrect") });
    const api = authEndpoints(createApiClient({ fetch: f.fetch }));
    const err = await api.login({ email: "a@b.co", password: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: "invalid_credentials", message: "email or password is incorrect", requestId: "req-1" });
  });

  it("reads Retry-After on 429", async () => {
    const f = fakeFetch({ "POST /auth/login": () => apiError(429, "rate_limited", "too many attempts; try again later", { "Retry-After": "120" }) });
    const err = await authEndpoints(createApiClient({ fetch: f.fetch }))
      .login({ email: "a@b.co", password: "x" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, code: "rate_limited", retryAfterSec: 120 });
  });

  it("turns a non-JSON failure and a network failure into ApiErrors", async () => {
    const f = fakeFetch({ "GET /api/x": () => new Response("<html>bad gateway</html>", { status: 502 }) });
    const api = createApiClient({ fetch: f.fetch });
    await expect(api.get("/api/x")).rejects.toMatchObject({ status: 502, code: "http_error" });
    const offline = createApiClient({
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    await expect(offline.get("/api/x")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("sends the bearer token on authenticated calls", async () => {
    const f = fakeFetch({ "GET /api/me": () => json(200, { user: authResponse().user }) });
    const api = authEndpoints(createApiClient({ fetch: f.fetch, tokens: tokens("tok-1", null) }));
    await api.me();
    expect(f.requests[0]?.headers.authorization).toBe("Bearer tok-1");
  });

  it("refreshes once and retries once after a 401", async () => {
    const f = fakeFetch({
      "GET /api/me": [() => apiError(401, "token_expired", "the access token has expired"), () => json(200, { user: authResponse().user })],
    });
    const t = tokens("old", "new");
    const res = await authEndpoints(createApiClient({ fetch: f.fetch, tokens: t })).me();
    expect(res.user.id).toBe("u-1");
    expect(t.refresh).toHaveBeenCalledTimes(1);
    expect(f.requests.map((r) => r.headers.authorization)).toEqual(["Bearer old", "Bearer new"]);
  });

  it("gives up after the one retry, and does not retry when the refresh fails", async () => {
    const f = fakeFetch({ "GET /api/me": () => apiError(401, "invalid_token", "the access token is not valid") });
    const t = tokens("old", "new");
    await expect(authEndpoints(createApiClient({ fetch: f.fetch, tokens: t })).me()).rejects.toMatchObject({ status: 401 });
    expect(f.requests).toHaveLength(2);
    expect(t.refresh).toHaveBeenCalledTimes(1);

    const g = fakeFetch({ "GET /api/me": () => apiError(401, "invalid_token", "the access token is not valid") });
    await expect(authEndpoints(createApiClient({ fetch: g.fetch, tokens: tokens("old", null) })).me()).rejects.toMatchObject({
      code: "invalid_token",
    });
    expect(g.requests).toHaveLength(1);
  });

  it("does not refresh on a 401 from an unauthenticated call (bad credentials)", async () => {
    const f = fakeFetch({ "POST /auth/login": () => apiError(401, "invalid_credentials", "email or password is incorrect") });
    const t = tokens("tok", "new");
    await expect(authEndpoints(createApiClient({ fetch: f.fetch, tokens: t })).login({ email: "a@b.co", password: "x" })).rejects.toBeInstanceOf(ApiError);
    expect(t.refresh).not.toHaveBeenCalled();
  });

  it("returns nothing for 204", async () => {
    const f = fakeFetch({ "POST /auth/logout": () => new Response(null, { status: 204 }) });
    await expect(authEndpoints(createApiClient({ fetch: f.fetch })).logout()).resolves.toBeUndefined();
    expect(f.requests[0]?.body).toEqual({});
  });
});
