/**
 * An in-memory stand-in for the edge's HTTP and WebSocket contract (README "API", the order,
 * risk and portfolio endpoints being built, packages/core protocol.ts), strict where the real
 * edge is strict: unknown or expired tokens get 401, a reused refresh token revokes its session,
 * orders need an Idempotency-Key and a decimal-string quantity, registration and sign-in are
 * throttled. k6 scripts run against it through the k6 stubs' responder.
 */
import type { RecordedRequest, Responder, StubResponseInit, StubWebSocket } from "./k6-stubs.ts";
import { runTimers } from "./k6-stubs.ts";

export interface FakeEdgeOptions {
  /** Access-token lifetime announced in `expiresIn` (the edge: 900 s). */
  tokenTtlS?: number;
  /** Statuses /health answers, one per call, the last one repeating (default: always 200). */
  healthStatuses?: number[];
  /** Registrations per run before 429 (the edge: 20 per hour per IP). */
  registerLimit?: number;
  /** Sign-ins per run before 429 (the edge: 30 per 5 min per IP). */
  loginLimit?: number;
  /** Overrides: answer this status on a route ("orders", "risk", "latest", "klines", "positions", "account"). */
  failRoute?: Partial<Record<Route, number>>;
  /** Market-data latency to simulate on the socket: arrival - bridgeTime, ms. */
  wsLatencyMs?: number;
}

type Route = "orders" | "risk" | "latest" | "klines" | "positions" | "account";

interface Account {
  id: string;
  email: string;
  password: string;
}

interface RefreshRecord {
  userId: string;
  family: string;
  used: boolean;
}

const DECIMAL = /^\d+(\.\d+)?$/;
const SYMBOLS = new Set(["BTCUSDT", "ETHUSDT"]);

export class FakeEdge {
  readonly accounts = new Map<string, Account>();
  readonly accessTokens = new Map<string, { userId: string; exp: number }>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  readonly revokedFamilies = new Set<string>();
  readonly orders = new Map<string, { orderId: string; userId: string; body: unknown }>();
  /** Every 4xx/5xx the fake answered, with why: a failing test shows this. */
  readonly refusals: string[] = [];
  registrations = 0;
  logins = 0;
  healthCalls = 0;
  private seq = 0;

  constructor(readonly options: FakeEdgeOptions = {}) {}

  readonly responder: Responder = (req) => this.handle(req);

  private next(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${this.seq}-${Math.random().toString(36).slice(2, 10)}`;
  }

  private issue(account: Account, family = this.next("fam")): StubResponseInit["body"] {
    const ttl = this.options.tokenTtlS ?? 900;
    const accessToken = this.next("acc");
    const refreshToken = this.next("ref");
    this.accessTokens.set(accessToken, { userId: account.id, exp: Date.now() + ttl * 1000 });
    this.refreshTokens.set(refreshToken, { userId: account.id, family, used: false });
    return { accessToken, refreshToken, expiresIn: ttl, tokenType: "Bearer", user: { id: account.id, email: account.email, displayName: null, createdAt: new Date().toISOString() } };
  }

  private refuse(status: number, code: string, why: string, headers: Record<string, string> = {}): StubResponseInit {
    this.refusals.push(`${status} ${code}: ${why}`);
    return { status, body: { error: { code, message: why, requestId: "fake" } }, headers };
  }

  /** The user id behind a valid `Authorization: Bearer` header, or undefined. */
  userOf(req: RecordedRequest): string | undefined {
    const header = Object.entries(req.headers).find(([k]) => k.toLowerCase() === "authorization")?.[1];
    const token = header?.startsWith("Bearer ") ? header.slice(7) : undefined;
    return token ? this.userOfToken(token) : undefined;
  }

  userOfToken(token: string): string | undefined {
    const t = this.accessTokens.get(token);
    return t && t.exp > Date.now() ? t.userId : undefined;
  }

  private json(req: RecordedRequest): Record<string, unknown> | undefined {
    const ct = Object.entries(req.headers).find(([k]) => k.toLowerCase() === "content-type")?.[1];
    if (!ct?.startsWith("application/json") || req.body === null) return undefined;
    try {
      const v: unknown = JSON.parse(req.body);
      return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private handle(req: RecordedRequest): StubResponseInit {
    const url = new URL(req.url);
    const path = url.pathname;
    const route = `${req.method} ${path}`;
    const timing = { "Server-Timing": "app;dur=0.8" };
    const ok = (status: number, body: object): StubResponseInit => ({ status, body, headers: { "Content-Type": "application/json", ...timing } });
    const failing = (r: Route) => this.options.failRoute?.[r];

    if (route === "GET /health") {
      const statuses = this.options.healthStatuses ?? [200];
      const status = statuses[Math.min(this.healthCalls++, statuses.length - 1)]!;
      return status === 200 ? ok(200, { status: "ok" }) : status === 0 ? { status: 0, error: "dial tcp: connection refused" } : this.refuse(status, "down", "health");
    }
    if (route === "GET /api/health") {
      const up = (latencyMs: number) => ({ status: "up", latencyMs });
      return ok(200, { status: "ok", time: new Date().toISOString(), components: { d1: up(3), kv: up(1), durableObject: up(2), bridge: up(4) } });
    }

    if (route === "POST /auth/register") {
      if (++this.registrations > (this.options.registerLimit ?? Infinity)) return this.refuse(429, "rate_limited", "registration throttled", { "Retry-After": "1" });
      const body = this.json(req);
      const email = typeof body?.email === "string" ? body.email.toLowerCase() : "";
      const password = typeof body?.password === "string" ? body.password : "";
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || password.length < 8) return this.refuse(400, "invalid_request", `bad registration ${req.body}`);
      if (this.accounts.has(email)) return this.refuse(409, "email_taken", email);
      const account = { id: this.next("user"), email, password };
      this.accounts.set(email, account);
      return ok(201, this.issue(account) as object);
    }
    if (route === "POST /auth/login") {
      if (++this.logins > (this.options.loginLimit ?? Infinity)) return this.refuse(429, "rate_limited", "sign-in throttled", { "Retry-After": "1" });
      const body = this.json(req);
      const account = this.accounts.get(typeof body?.email === "string" ? body.email.toLowerCase() : "");
      if (!account || account.password !== body?.password) return this.refuse(401, "invalid_credentials", `sign-in ${String(body?.email)}`);
      return ok(200, this.issue(account) as object);
    }
    if (route === "POST /auth/refresh") {
      const body = this.json(req);
      const presented = typeof body?.refreshToken === "string" ? body.refreshToken : "";
      const record = this.refreshTokens.get(presented);
      if (!record || this.revokedFamilies.has(record.family)) return this.refuse(401, "invalid_refresh_token", "unknown or revoked");
      if (record.used) {
        this.revokedFamilies.add(record.family);
        return this.refuse(401, "refresh_token_reused", "a refresh token was presented twice; session revoked");
      }
      record.used = true;
      const account = [...this.accounts.values()].find((a) => a.id === record.userId)!;
      return ok(200, this.issue(account, record.family) as object);
    }

    if (req.method === "GET" && path.startsWith("/api/market-data/")) {
      const [, , , kind, symbol] = path.split("/");
      if (!symbol || !SYMBOLS.has(symbol)) return this.refuse(404, "not_found", `symbol ${symbol}`);
      if (kind === "latest") {
        if (failing("latest")) return this.refuse(failing("latest")!, "failing", "latest");
        const now = Date.now();
        return ok(200, { symbol, price: "64000.10", bid: "64000.00", ask: "64000.20", bidQty: "1.5", askQty: "2.0", eventTime: now - 150, bridgeTime: now - 120, ageMs: 150 });
      }
      if (kind === "klines") {
        if (failing("klines")) return this.refuse(failing("klines")!, "failing", "klines");
        if (url.searchParams.get("interval") !== "1m" || url.searchParams.get("limit") !== "100") return this.refuse(400, "invalid_request", `klines query ${url.search}`);
        return ok(200, { symbol, interval: "1m", klines: [{ interval: "1m", openTime: 0, closeTime: 59_999, open: "1", high: "2", low: "1", close: "2", volume: "3", closed: true }] });
      }
      return this.refuse(404, "not_found", path);
    }

    // Everything below needs a signed-in user.
    const authed = ["POST /api/orders", "POST /api/risk/calculate", "GET /api/trading/positions", "GET /api/trading/account"];
    if (!authed.includes(route)) return this.refuse(404, "not_found", route);
    const userId = this.userOf(req);
    if (!userId) return this.refuse(401, "unauthorized", `${route} without a valid token`);

    if (route === "POST /api/risk/calculate") {
      if (failing("risk")) return this.refuse(failing("risk")!, "failing", "risk");
      const body = this.json(req);
      if (!body || !SYMBOLS.has(String(body.symbol)) || !["buy", "sell"].includes(String(body.side)) || !DECIMAL.test(String(body.quantity))) {
        return this.refuse(400, "invalid_request", `risk body ${req.body}`);
      }
      return ok(200, { totalRisk: "12.50", positionRisk: "3.10", marginUsage: "0.02" });
    }
    if (route === "POST /api/orders") {
      if (failing("orders")) return this.refuse(failing("orders")!, "failing", "orders");
      const key = Object.entries(req.headers).find(([k]) => k.toLowerCase() === "idempotency-key")?.[1];
      if (!key) return this.refuse(400, "idempotency_key_required", "order without Idempotency-Key");
      const body = this.json(req);
      const valid =
        body !== undefined &&
        Object.keys(body).sort().join(",") === "quantity,side,symbol,type" &&
        SYMBOLS.has(String(body.symbol)) &&
        (body.side === "buy" || body.side === "sell") &&
        body.type === "market" &&
        typeof body.quantity === "string" &&
        DECIMAL.test(body.quantity);
      if (!valid) return this.refuse(400, "invalid_request", `order body ${req.body}`);
      const previous = this.orders.get(`${userId}:${key}`);
      if (previous) {
        if (JSON.stringify(previous.body) !== JSON.stringify(body)) return this.refuse(409, "idempotency_key_reused", `${key} with another body`);
        return ok(201, { orderId: previous.orderId, status: "filled" });
      }
      const orderId = this.next("ord");
      this.orders.set(`${userId}:${key}`, { orderId, userId, body });
      return ok(201, { orderId, status: "filled" });
    }
    if (route === "GET /api/trading/positions") {
      if (failing("positions")) return this.refuse(failing("positions")!, "failing", "positions");
      return ok(200, { positions: [] });
    }
    if (failing("account")) return this.refuse(failing("account")!, "failing", "account");
    return ok(200, { balances: [{ asset: "USDT", free: "10000.00", locked: "0" }] });
  }

  /**
   * Plays the server side of one client socket: checks the upgrade (URL, subprotocols, token),
   * sends welcome, acknowledges subscriptions, pushes two market-data frames and one error frame,
   * then lets the client's timers fire (heartbeat, session end).
   */
  serveSocket(ws: StubWebSocket): void {
    const offered = (ws.params.headers?.["Sec-WebSocket-Protocol"] ?? "").split(",").map((p) => p.trim());
    const bearer = offered.find((p) => p.startsWith("bearer."));
    const userId = bearer ? this.userOfToken(bearer.slice("bearer.".length)) : undefined;
    if (!new URL(ws.url).pathname.endsWith("/ws") || !offered.includes("bot-core.v1") || !userId) {
      this.refusals.push(`ws refused: ${ws.url} ${offered.join(",")}`);
      ws.serverError("websocket: bad handshake (401)");
      return;
    }
    ws.serverOpen();
    ws.serverSend({ type: "welcome", v: 1, userId, serverTime: Date.now(), heartbeatMs: 30_000 });
    const subscribe = ws.sent.map((s) => JSON.parse(s) as { type?: string; id?: string; channels?: string[] }).find((f) => f.type === "subscribe");
    if (subscribe?.channels) ws.serverSend({ type: "subscribed", ...(subscribe.id ? { id: subscribe.id } : {}), channels: subscribe.channels });
    const latency = this.options.wsLatencyMs ?? 20;
    for (let i = 0; i < 2; i++) {
      const arrival = Date.now();
      const bridgeTime = arrival - latency;
      ws.serverSend(
        {
          type: "md",
          sentAt: bridgeTime + 1,
          updates: [
            { channel: "ticker:BTCUSDT", kind: "ticker", symbol: "BTCUSDT", price: "64000.10", bid: "64000.00", ask: "64000.20", bidQty: "1", askQty: "1", eventTime: bridgeTime - 2, bridgeTime },
            { channel: "book:BTCUSDT", kind: "ticker", symbol: "BTCUSDT", price: "64000.10", bid: "64000.00", ask: "64000.20", bidQty: "1", askQty: "1", eventTime: bridgeTime - 2, bridgeTime },
          ],
        },
        arrival,
      );
    }
    ws.serverSend({ type: "error", code: "rate_limited", message: "slow down" });
    runTimers(1);
  }
}
