/**
 * The signed-in session.
 *
 * The access token lives in this closure only (never localStorage or sessionStorage). The refresh
 * token is an HttpOnly cookie the page cannot read; on load {@link Session.restore} presents it to
 * `/auth/refresh` to get a fresh access token.
 *
 * Refresh tokens rotate on every use and a token presented twice revokes the whole session, so
 * refreshes are single-flight within the tab and serialized across tabs with the Web Locks API.
 *
 * A non-secret hint ("a session may exist", never a token) is kept in localStorage so that a
 * first visit does not call `/auth/refresh` only to get a 401 (an error in the console), and so
 * that signing out in one tab signs out the others.
 *
 * @example
 * const session = createSession();
 * void session.restore();
 * session.status(); // "restoring" -> "signed-in" | "signed-out"
 */
import { createContext, createSignal, useContext, type Accessor } from "solid-js";
import type { AuthResponse, LoginRequest, PublicUser, RegisterRequest } from "@bot-core/core";
import { ApiError, authEndpoints, createApiClient, type ApiClient, type TokenSource } from "./api";

export type SessionStatus = "restoring" | "signed-out" | "signed-in";

export interface Session extends TokenSource {
  readonly status: Accessor<SessionStatus>;
  readonly user: Accessor<PublicUser | null>;
  /** The API client bound to this session's token. */
  readonly api: ApiClient;
  /** Tries the refresh cookie; ends "signed-in" or "signed-out". Never throws. */
  restore(): Promise<void>;
  /** Whether a restore is worth trying: this browser signed in before and did not sign out. */
  mayBeSignedIn(): boolean;
  signIn(input: LoginRequest): Promise<void>;
  register(input: RegisterRequest): Promise<void>;
  /** Revokes the refresh cookie on the server and forgets the token. Never throws. */
  signOut(): Promise<void>;
  /**
   * An access token valid for at least `minValidityMs`, refreshing first when needed (or always
   * with `force`). Null when signed out or when the session is gone.
   */
  freshToken(options?: { force?: boolean; minValidityMs?: number }): Promise<string | null>;
}

export interface SessionOptions {
  fetch?: typeof fetch;
  baseUrl?: string;
  now?: () => number;
  /** Cross-tab lock for refreshes; defaults to `navigator.locks` where it exists. */
  locks?: Pick<LockManager, "request"> | null;
  /** Where the "a session may exist" hint lives; defaults to localStorage. Null: always try the cookie. */
  hintStorage?: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  /** Window to watch for sign-out in other tabs (`storage` events); defaults to `window`. */
  events?: Pick<Window, "addEventListener"> | null;
}

export const SESSION_HINT_KEY = "bot-core:session";

function defaultHintStorage(): SessionOptions["hintStorage"] {
  try {
    return typeof localStorage !== "undefined" ? localStorage : null;
  } catch {
    return null; // storage disabled
  }
}

const REFRESH_LOCK = "bot-core:auth-refresh";
/** Refresh a little before expiry so a token never dies in flight. */
const DEFAULT_MIN_VALIDITY_MS = 60_000;

export function createSession(options: SessionOptions = {}): Session {
  const now = options.now ?? Date.now;
  const locks = options.locks !== undefined ? options.locks : typeof navigator !== "undefined" && navigator.locks ? navigator.locks : null;

  const hints = options.hintStorage !== undefined ? options.hintStorage : defaultHintStorage();
  const events = options.events !== undefined ? options.events : typeof window !== "undefined" ? window : null;

  function hint(present: boolean): void {
    try {
      if (present) hints?.setItem(SESSION_HINT_KEY, "1");
      else hints?.removeItem(SESSION_HINT_KEY);
    } catch {
      // storage full or disabled: the hint is an optimization only
    }
  }

  function mayHaveSession(): boolean {
    if (!hints) return true;
    try {
      return hints.getItem(SESSION_HINT_KEY) !== null;
    } catch {
      return true;
    }
  }

  const [status, setStatus] = createSignal<SessionStatus>("restoring");
  const [user, setUser] = createSignal<PublicUser | null>(null);
  let token: string | null = null;
  let expiresAt = 0;
  /** Bumped on sign-in/out so a refresh that started earlier cannot resurrect an old session. */
  let epoch = 0;
  let inFlight: Promise<string | null> | null = null;

  const tokens: TokenSource = {
    accessToken: () => token,
    refresh: () => refresh(),
  };
  const api = createApiClient({ fetch: options.fetch, baseUrl: options.baseUrl, tokens });
  const endpoints = authEndpoints(api);

  function apply(res: AuthResponse): void {
    token = res.accessToken;
    expiresAt = now() + res.expiresIn * 1000;
    setUser(res.user);
    setStatus("signed-in");
    hint(true);
  }

  function clear(): void {
    token = null;
    expiresAt = 0;
    setUser(null);
    setStatus("signed-out");
    hint(false);
  }

  // Signed out in another tab: the refresh cookie is revoked, so end this tab's session too.
  events?.addEventListener("storage", (event: StorageEvent) => {
    if (event.key === SESSION_HINT_KEY && event.newValue === null && status() === "signed-in") {
      epoch++;
      clear();
    }
  });

  async function refreshOnce(startedEpoch: number): Promise<string | null> {
    const run = () => endpoints.refresh();
    let res: AuthResponse;
    try {
      res = locks ? await locks.request(REFRESH_LOCK, run) : await run();
    } catch (err) {
      if (startedEpoch !== epoch) return null;
      // 401: the cookie is missing, expired, revoked or reused; the session is over.
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        clear();
        return null;
      }
      throw err;
    }
    if (startedEpoch !== epoch) return null;
    apply(res);
    return res.accessToken;
  }

  /** Single-flight: concurrent callers share one request (a second one would count as reuse). */
  function refresh(): Promise<string | null> {
    if (!inFlight) {
      const started = epoch;
      inFlight = refreshOnce(started).finally(() => {
        inFlight = null;
      });
    }
    return inFlight;
  }

  return {
    status,
    user,
    api,
    accessToken: () => token,
    refresh,

    mayBeSignedIn: mayHaveSession,

    async restore() {
      if (status() === "signed-in") return;
      if (!mayHaveSession()) {
        clear();
        return;
      }
      setStatus("restoring");
      try {
        if (!(await refresh())) clear();
      } catch {
        // Offline or a server error: the sign-in form is the honest fallback.
        clear();
      }
    },

    async signIn(input) {
      epoch++;
      apply(await endpoints.login(input));
    },

    async register(input) {
      epoch++;
      apply(await endpoints.register(input));
    },

    async signOut() {
      epoch++;
      try {
        await endpoints.logout();
      } catch {
        // The local session ends anyway; the refresh token expires on its own.
      } finally {
        clear();
      }
    },

    async freshToken(opts = {}) {
      if (status() !== "signed-in") return null;
      const minValidity = opts.minValidityMs ?? DEFAULT_MIN_VALIDITY_MS;
      if (!opts.force && token && expiresAt - now() > minValidity) return token;
      return refresh();
    },
  };
}

export const SessionContext = createContext<Session>();

/** The session provided by `<SessionContext.Provider>`. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() needs a <SessionContext.Provider>");
  return session;
}
