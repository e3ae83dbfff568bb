import { afterEach, describe, expect, it, vi } from "vitest";
import { apiError, authResponse, fakeFetch, json } from "../test/fake-fetch";
import { createSession, SESSION_HINT_KEY } from "./session";

/** A previous visit signed in here (the hint a real sign-in leaves behind). */
const returning = () => localStorage.setItem(SESSION_HINT_KEY, "1");

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createSession", () => {
  it("restores the session from the refresh cookie on load", async () => {
    returning();
    const f = fakeFetch({ "POST /auth/refresh": () => json(200, authResponse("back@example.com", "acc-9")) });
    const session = createSession({ fetch: f.fetch, locks: null });
    expect(session.status()).toBe("restoring");
    await session.restore();
    expect(session.status()).toBe("signed-in");
    expect(session.user()?.email).toBe("back@example.com");
    expect(session.accessToken()).toBe("acc-9");
    expect(f.requests[0]).toMatchObject({ method: "POST", path: "/auth/refresh", body: {}, credentials: "same-origin" });
  });

  it("ends signed out when there is no session, or the server cannot be reached", async () => {
    returning();
    const gone = createSession({ fetch: fakeFetch({ "POST /auth/refresh": () => apiError(401, "invalid_refresh_token", "no refresh token presented") }).fetch, locks: null });
    await gone.restore();
    expect(gone.status()).toBe("signed-out");
    expect(gone.accessToken()).toBeNull();

    returning();
    const offline = createSession({
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
      locks: null,
    });
    await offline.restore();
    expect(offline.status()).toBe("signed-out");
  });

  it("keeps the access token in memory only", async () => {
    const setItem = vi.spyOn(Storage.prototype, "setItem");
    const f = fakeFetch({ "POST /auth/login": () => json(200, authResponse("t@example.com", "secret-access-token")) });
    const session = createSession({ fetch: f.fetch, locks: null });
    await session.signIn({ email: "t@example.com", password: "long enough" });
    expect(session.accessToken()).toBe("secret-access-token");
    // Only the "a session may exist" hint is written, never a token.
    expect(setItem.mock.calls).toEqual([[SESSION_HINT_KEY, "1"]]);
    expect(JSON.stringify({ ...localStorage })).not.toContain("secret-access-token");
    expect(JSON.stringify({ ...sessionStorage })).not.toContain("secret-access-token");
    expect(document.cookie).not.toContain("secret-access-token");
  });

  it("shares one refresh between concurrent callers (a second would count as token reuse)", async () => {
    let release: (() => void) | undefined;
    const f = fakeFetch({
      "POST /auth/login": () => json(200, authResponse()),
      "POST /auth/refresh": () =>
        new Promise<Response>((resolve) => {
          release = () => resolve(json(200, authResponse("trader@example.com", "access-2")));
        }),
    });
    const session = createSession({ fetch: f.fetch, locks: null });
    await session.signIn({ email: "trader@example.com", password: "long enough" });
    const a = session.refresh();
    const b = session.freshToken({ force: true });
    await vi.waitFor(() => expect(release).toBeDefined());
    release?.();
    expect(await Promise.all([a, b])).toEqual(["access-2", "access-2"]);
    expect(f.requests.filter((r) => r.path === "/auth/refresh")).toHaveLength(1);
  });

  it("serializes refreshes across tabs with the Web Locks API", async () => {
    returning();
    const request = vi.fn(<T>(_name: string, callback: () => Promise<T>) => callback());
    const f = fakeFetch({ "POST /auth/refresh": () => json(200, authResponse()) });
    const session = createSession({ fetch: f.fetch, locks: { request } as unknown as Pick<LockManager, "request"> });
    await session.restore();
    expect(request).toHaveBeenCalledTimes(1);
    expect(request.mock.calls[0]?.[0]).toBe("bot-core:auth-refresh");
  });

  it("hands out the current token while it is fresh and refreshes it shortly before expiry", async () => {
    let now = 1_000_000;
    const f = fakeFetch({
      "POST /auth/login": () => json(200, authResponse("t@example.com", "access-1")),
      "POST /auth/refresh": () => json(200, authResponse("t@example.com", "access-2")),
    });
    const session = createSession({ fetch: f.fetch, locks: null, now: () => now });
    await session.signIn({ email: "t@example.com", password: "long enough" });
    expect(await session.freshToken()).toBe("access-1");
    now += 900_000 - 30_000; // 30 s left of 15 min
    expect(await session.freshToken()).toBe("access-2");
  });

  it("signs out: revokes the cookie on the server and forgets the user, even if that call fails", async () => {
    const f = fakeFetch({
      "POST /auth/login": () => json(200, authResponse()),
      "POST /auth/logout": () => apiError(500, "internal", "internal error"),
    });
    const session = createSession({ fetch: f.fetch, locks: null });
    await session.signIn({ email: "trader@example.com", password: "long enough" });
    await session.signOut();
    expect(f.requests.at(-1)).toMatchObject({ method: "POST", path: "/auth/logout" });
    expect(session.status()).toBe("signed-out");
    expect(session.user()).toBeNull();
    expect(await session.freshToken()).toBeNull();
  });

  it("a refresh that the server refuses ends the session", async () => {
    const f = fakeFetch({
      "POST /auth/login": () => json(200, authResponse()),
      "POST /auth/refresh": () => apiError(401, "refresh_token_reused", "this refresh token was already used; the session has been revoked"),
    });
    const session = createSession({ fetch: f.fetch, locks: null });
    await session.signIn({ email: "trader@example.com", password: "long enough" });
    expect(await session.refresh()).toBeNull();
    expect(session.status()).toBe("signed-out");
  });

  it("does not call /auth/refresh on a first visit (no 401 in the console)", async () => {
    const f = fakeFetch({});
    const session = createSession({ fetch: f.fetch, locks: null });
    await session.restore();
    expect(session.status()).toBe("signed-out");
    expect(f.requests).toEqual([]);
  });

  it("tries the cookie anyway when storage is unavailable", async () => {
    const f = fakeFetch({ "POST /auth/refresh": () => json(200, authResponse()) });
    const session = createSession({ fetch: f.fetch, locks: null, hintStorage: null });
    await session.restore();
    expect(session.status()).toBe("signed-in");
  });

  it("leaves the hint on sign-in and removes it on sign-out", async () => {
    const f = fakeFetch({
      "POST /auth/login": () => json(200, authResponse()),
      "POST /auth/logout": () => new Response(null, { status: 204 }),
    });
    const session = createSession({ fetch: f.fetch, locks: null });
    await session.signIn({ email: "trader@example.com", password: "long enough" });
    expect(localStorage.getItem(SESSION_HINT_KEY)).toBe("1");
    await session.signOut();
    expect(localStorage.getItem(SESSION_HINT_KEY)).toBeNull();
  });

  it("signs out when another tab signs out", async () => {
    const f = fakeFetch({ "POST /auth/login": () => json(200, authResponse()) });
    const session = createSession({ fetch: f.fetch, locks: null });
    await session.signIn({ email: "trader@example.com", password: "long enough" });
    window.dispatchEvent(new StorageEvent("storage", { key: "something-else", newValue: null }));
    expect(session.status()).toBe("signed-in");
    window.dispatchEvent(new StorageEvent("storage", { key: SESSION_HINT_KEY, oldValue: "1", newValue: null }));
    expect(session.status()).toBe("signed-out");
    expect(session.accessToken()).toBeNull();
  });
});
