/**
 * Test helper: a fake Binance on 127.0.0.1 (ephemeral port) — a real HTTP server and a real
 * WebSocket server on the same port, speaking the documented wire formats.
 *
 * It stands in for the one thing the tests cannot reach (Binance's network) and is strict where
 * Binance is: it checks `X-MBX-APIKEY`, the HMAC signature over query + body, the timestamp
 * against its own clock and `recvWindow`; it caps streams per connection at 1,024 and incoming
 * messages at 5 per second (closing the socket like Binance does).
 *
 * It can be told to misbehave: answer 429/418 with Retry-After, 5XX (after really placing the
 * order, or without), hang past the client's timeout, fill orders partially, drop sockets.
 *
 * REST routes exist under both `/api/v3` (spot) and `/fapi/v1` (USD-M futures), with the same
 * order book behind them; user data events are spot `executionReport`s or futures
 * `ORDER_TRADE_UPDATE`s depending on `market`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import spotExchangeInfo from "../../binance/fixtures/spot-exchange-info.json";
import usdmExchangeInfo from "../../binance/fixtures/usdm-exchange-info.json";
import { verifySignature } from "../../binance/signing";

export interface FakeAccount {
  readonly apiKey: string;
  readonly secret: string;
}

export interface Fault {
  readonly method?: string;
  /** Exact path, e.g. "/api/v3/order". */
  readonly path: string;
  /** HTTP status to answer (default 500). Ignored when only `delayMs` is wanted: set status 200. */
  readonly status?: number;
  readonly body?: unknown;
  /** Seconds, sent as Retry-After. */
  readonly retryAfterSec?: number;
  /** Hold the answer this long (longer than the client's timeout = a timeout). */
  readonly delayMs?: number;
  /**
   * "before": handle the request for real (e.g. place the order), then answer with the fault;
   * "after": answer per the fault, then handle it when `delayMs` has passed (a request that
   *   reached the engine late — the recvWindow check applies at that moment);
   * "never" (default): the request has no effect.
   */
  readonly process?: "before" | "after" | "never";
  /** How many matching requests get the fault (default 1). */
  readonly times?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly apiKey: string | undefined;
  status: number;
  readonly at: number;
}

export interface FakeOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: "BUY" | "SELL";
  type: string;
  timeInForce: string;
  price: string;
  origQty: string;
  executedQty: string;
  cumulativeQuoteQty: string;
  status: string;
  time: number;
  updateTime: number;
  apiKey: string;
}

/** One fill, as GET /api/v3/myTrades (and /fapi/v1/userTrades) lists it. */
export interface FakeTrade {
  readonly symbol: string;
  readonly id: number;
  readonly orderId: number;
  readonly price: string;
  readonly qty: string;
  readonly time: number;
  readonly apiKey: string;
}

export interface MarketSocketInfo {
  readonly socket: WebSocket;
  readonly url: string;
  readonly streams: Set<string>;
  /** Times of incoming messages and pongs (Binance counts both against 5/s). */
  readonly incoming: number[];
  readonly subscribeMessages: { at: number; params: string[] }[];
  pongs: number;
  closed: boolean;
}

export interface FakeBinance {
  readonly url: string;
  readonly wsUrl: string;
  readonly requests: RecordedRequest[];
  readonly orders: FakeOrder[];
  /** Every fill of every order, oldest first. */
  readonly trades: FakeTrade[];
  readonly marketSockets: MarketSocketInfo[];
  readonly userSockets: { listenKey: string; socket: WebSocket }[];
  /** Count of sockets closed for breaking the per-connection limits. */
  readonly violations: string[];
  inject(fault: Fault): void;
  /** Ms added to the fake's clock (its "server time"). */
  clockSkewMs: number;
  /** Reported in X-MBX-USED-WEIGHT-1M instead of the fake's own count, when set. */
  usedWeightOverride: number | undefined;
  setPrice(symbol: string, price: string): void;
  /** Fills `qty` of an open order at `price` (default: its limit price); pushes the user data event. */
  fill(orderId: number, qty: string, price?: string): FakeOrder;
  /** Sends `{"stream":…,"data":…}` to every market socket subscribed to `stream`. */
  publish(stream: string, data: unknown): number;
  /** Klines served by GET …/klines: [openTime, o, h, l, c, v, closeTime, …] rows per "SYMBOL interval". */
  readonly klines: Map<string, unknown[][]>;
  dropMarketSockets(): void;
  dropUserSockets(): void;
  ping(payload?: string): void;
  /** Requests to a path (and method), in order. */
  calls(path: string, method?: string): RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeBinanceOptions {
  readonly accounts?: readonly FakeAccount[];
  readonly market?: "spot" | "usdm";
  readonly exchangeInfo?: unknown;
  readonly maxStreamsPerConnection?: number;
  readonly maxIncomingPerSec?: number;
}

const WEIGHTS: Record<string, number> = { time: 1, exchangeInfo: 20, klines: 2, order: 1, queryOrder: 4, openOrders: 6, account: 20, listenKey: 2, myTrades: 5 };

export async function startFakeBinance(options: FakeBinanceOptions = {}): Promise<FakeBinance> {
  const market = options.market ?? "spot";
  const accounts = new Map((options.accounts ?? []).map((a) => [a.apiKey, a]));
  const exchangeInfo = options.exchangeInfo ?? (market === "spot" ? spotExchangeInfo : usdmExchangeInfo);
  const symbols = new Set(((exchangeInfo as { symbols: { symbol: string }[] }).symbols ?? []).map((s) => s.symbol));
  const maxStreams = options.maxStreamsPerConnection ?? 1024;
  const maxIncoming = options.maxIncomingPerSec ?? 5;
  const requests: RecordedRequest[] = [];
  const orders: FakeOrder[] = [];
  const trades: FakeTrade[] = [];
  const faults: (Fault & { left: number })[] = [];
  const prices = new Map<string, string>();
  const listenKeys = new Map<string, string>(); // listenKey -> apiKey
  const marketSockets: MarketSocketInfo[] = [];
  const userSockets: { listenKey: string; socket: WebSocket }[] = [];
  const violations: string[] = [];
  const klines = new Map<string, unknown[][]>();
  let nextOrderId = 1;
  let nextTradeId = 1;
  let weightMinute = 0;
  let usedWeight = 0;
  let orders10s = 0;
  let orderWindow = 0;

  const state = {
    clockSkewMs: 0,
    usedWeightOverride: undefined as number | undefined,
  };
  const serverNow = () => Date.now() + state.clockSkewMs;

  const server: Server = createServer((req, res) => void handle(req, res));
  const wss = new WebSocketServer({ noServer: true });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rawQuery = url.search.slice(1);
    const rawBody = await readBody(req);
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawBody)) params[k] = v;
    for (const [k, v] of new URLSearchParams(rawQuery)) params[k] = v; // query wins, as at Binance
    const apiKey = header(req, "x-mbx-apikey");
    const record: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, params, apiKey, status: 0, at: Date.now() };
    requests.push(record);

    const fault = takeFault(record.method, url.pathname);
    const run = () => route(record, rawQuery, rawBody);
    let result: Answer;
    if (fault) {
      if (fault.process === "before") run();
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.process === "after") setTimeout(run, 0);
      const status = fault.status ?? 500;
      result = { status, body: fault.body ?? (status >= 500 ? { code: -1001, msg: "Internal error; unable to process your request. Please try again." } : {}) };
      if (fault.retryAfterSec !== undefined) result.headers = { "Retry-After": String(fault.retryAfterSec) };
    } else {
      result = run();
    }
    record.status = result.status;
    const headers: Record<string, string> = { "content-type": "application/json", ...result.headers };
    headers["X-MBX-USED-WEIGHT-1M"] = String(state.usedWeightOverride ?? usedWeight);
    if (result.orderPlaced) {
      headers["X-MBX-ORDER-COUNT-10S"] = String(orders10s);
      headers["X-MBX-ORDER-COUNT-1D"] = String(orders.length);
    }
    if (res.destroyed) return;
    res.writeHead(result.status, headers);
    res.end(result.raw ?? JSON.stringify(result.body));
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const i = faults.findIndex((f) => f.path === path && (!f.method || f.method === method));
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (--f.left <= 0) faults.splice(i, 1);
    return f;
  }

  interface Answer {
    status: number;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
    orderPlaced?: boolean;
  }

  const err = (status: number, code: number, msg: string): Answer => ({ status, body: { code, msg } });

  function countWeight(w: number): void {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== weightMinute) {
      weightMinute = minute;
      usedWeight = 0;
    }
    usedWeight += w;
  }

  function authorize(r: RecordedRequest, rawQuery: string, rawBody: string, signed: boolean): Answer | FakeAccount {
    if (!r.apiKey) return err(401, -2014, "API-key format invalid.");
    const account = accounts.get(r.apiKey);
    if (!account) return err(401, -2015, "Invalid API-key, IP, or permissions for action.");
    if (!signed) return account;
    const signature = r.params.signature;
    if (!signature) return err(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const payload = stripSignature(rawQuery) + stripSignature(rawBody);
    if (!verifySignature(account.secret, payload, signature)) return err(400, -1022, "Signature for this request is not valid.");
    const timestamp = Number(r.params.timestamp);
    const recvWindow = r.params.recvWindow === undefined ? 5000 : Number(r.params.recvWindow);
    if (!Number.isFinite(recvWindow) || recvWindow > 60_000) return err(400, -1131, "recvWindow must be less than 60000");
    const now = serverNow();
    if (!Number.isFinite(timestamp)) return err(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    if (!(timestamp < now + 1000 && now - timestamp <= recvWindow)) return err(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    return account;
  }

  function route(r: RecordedRequest, rawQuery: string, rawBody: string): Answer {
    const p = r.path.replace(/^\/(api\/v3|fapi\/v[123])\//, "");
    const m = r.method;
    if (p === "time" && m === "GET") return (countWeight(WEIGHTS.time!), { status: 200, body: { serverTime: serverNow() } });
    if (p === "exchangeInfo" && m === "GET") return (countWeight(WEIGHTS.exchangeInfo!), { status: 200, body: exchangeInfo });
    if (p === "klines" && m === "GET") return (countWeight(WEIGHTS.klines!), klinesAnswer(r.params));
    if (p === "userDataStream" || p === "listenKey") {
      const account = authorize(r, rawQuery, rawBody, false);
      if (!("secret" in account)) return account;
      countWeight(WEIGHTS.listenKey!);
      if (m === "POST") {
        const key = randomKey();
        listenKeys.set(key, account.apiKey);
        return { status: 200, body: { listenKey: key } };
      }
      const key = r.params.listenKey ?? [...listenKeys].find(([, k]) => k === account.apiKey)?.[0];
      if (!key || !listenKeys.has(key)) return err(400, -1125, "This listenKey does not exist.");
      if (m === "DELETE") listenKeys.delete(key);
      return { status: 200, body: m === "PUT" && r.path.startsWith("/fapi") ? { listenKey: key } : {} };
    }
    const account = authorize(r, rawQuery, rawBody, true);
    if (!("secret" in account)) return account;
    if (p === "order" && m === "POST") return (countWeight(WEIGHTS.order!), placeOrder(r.params, account));
    if (p === "order" && m === "GET") {
      countWeight(WEIGHTS.queryOrder!);
      const o = findOrder(r.params, account);
      return o ? { status: 200, body: orderJson(o) } : err(400, -2013, "Order does not exist.");
    }
    if (p === "order" && m === "DELETE") {
      countWeight(WEIGHTS.order!);
      const o = findOrder(r.params, account);
      if (!o || !isOpen(o)) return err(400, -2011, "Unknown order sent.");
      o.status = "CANCELED";
      o.updateTime = serverNow();
      pushOrderEvent(o, "CANCELED");
      return { status: 200, body: { ...orderJson(o), origClientOrderId: o.clientOrderId } };
    }
    if (p === "openOrders" && m === "GET") {
      countWeight(WEIGHTS.openOrders!);
      return { status: 200, body: orders.filter((o) => o.apiKey === account.apiKey && isOpen(o) && (!r.params.symbol || o.symbol === r.params.symbol)).map(orderJson) };
    }
    if ((p === "myTrades" || p === "userTrades") && m === "GET") {
      countWeight(WEIGHTS.myTrades!);
      if (!r.params.symbol || !symbols.has(r.params.symbol)) return err(400, -1121, "Invalid symbol.");
      const rows = trades.filter((t) => t.apiKey === account.apiKey && t.symbol === r.params.symbol && (!r.params.orderId || String(t.orderId) === r.params.orderId));
      return {
        status: 200,
        body: rows.map((t) => ({ symbol: t.symbol, id: t.id, orderId: t.orderId, price: t.price, qty: t.qty, quoteQty: mulDec(t.qty, t.price), commission: "0", commissionAsset: "USDT", time: t.time, isBuyer: true, isMaker: false, isBestMatch: true })),
      };
    }
    if ((p === "account" || p === "balance") && m === "GET") {
      countWeight(WEIGHTS.account!);
      if (p === "balance") {
        return { status: 200, body: [{ accountAlias: "SgsR", asset: "USDT", balance: "122607.35137903", crossWalletBalance: "23.72469206", crossUnPnl: "0.00000000", availableBalance: "23.72469206", maxWithdrawAmount: "23.72469206", marginAvailable: true, updateTime: 1617939110373 }] };
      }
      return { status: 200, body: { accountType: "SPOT", canTrade: true, balances: [{ asset: "USDT", free: "10000.00000000", locked: "0.00000000" }, { asset: "BNB", free: "4.50000000", locked: "0.00000000" }] } };
    }
    return err(404, -1000, `unknown route ${m} ${r.path}`);
  }

  function klinesAnswer(params: Record<string, string>): Answer {
    const rows = klines.get(`${params.symbol} ${params.interval}`);
    if (!params.symbol || !symbols.has(params.symbol)) return err(400, -1121, "Invalid symbol.");
    const start = params.startTime ? Number(params.startTime) : -Infinity;
    const end = params.endTime ? Number(params.endTime) : Infinity;
    const limit = Math.min(Number(params.limit ?? 500), 1000);
    const selected = (rows ?? []).filter((k) => (k[0] as number) >= start && (k[0] as number) <= end);
    return { status: 200, body: params.startTime ? selected.slice(0, limit) : selected.slice(-limit) };
  }

  function placeOrder(params: Record<string, string>, account: FakeAccount): Answer {
    const { symbol, side, type } = params;
    if (!symbol || !symbols.has(symbol)) return err(400, -1121, "Invalid symbol.");
    if (side !== "BUY" && side !== "SELL") return err(400, -1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed.");
    if (type !== "LIMIT" && type !== "MARKET") return err(400, -1116, "Invalid orderType.");
    const quantity = params.quantity;
    if (!quantity || !/^\d+(\.\d+)?$/.test(quantity)) return err(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    if (type === "LIMIT" && (!params.price || !params.timeInForce)) return err(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
    const clientOrderId = params.newClientOrderId ?? `fake${nextOrderId}`;
    if (orders.some((o) => o.apiKey === account.apiKey && o.clientOrderId === clientOrderId && isOpen(o))) return err(400, -2010, "Duplicate order sent.");
    const now = serverNow();
    const window = Math.floor(Date.now() / 10_000);
    if (window !== orderWindow) {
      orderWindow = window;
      orders10s = 0;
    }
    orders10s++;
    const o: FakeOrder = {
      symbol,
      orderId: nextOrderId++,
      clientOrderId,
      side,
      type,
      timeInForce: params.timeInForce ?? "GTC",
      price: type === "MARKET" ? "0" : params.price!,
      origQty: quantity,
      executedQty: "0",
      cumulativeQuoteQty: "0",
      status: "NEW",
      time: now,
      updateTime: now,
      apiKey: account.apiKey,
    };
    orders.push(o);
    pushOrderEvent(o, "NEW");
    if (type === "MARKET") applyFill(o, quantity, prices.get(symbol) ?? "100");
    return { status: 200, body: orderJson(o, now), orderPlaced: true };
  }

  function findOrder(params: Record<string, string>, account: FakeAccount): FakeOrder | undefined {
    return orders.find(
      (o) =>
        o.apiKey === account.apiKey &&
        o.symbol === params.symbol &&
        (params.orderId ? String(o.orderId) === params.orderId : o.clientOrderId === params.origClientOrderId),
    );
  }

  function applyFill(o: FakeOrder, qty: string, price: string): void {
    const executed = addDec(o.executedQty, qty);
    if (cmpDec(executed, o.origQty) > 0) throw new Error(`fill of ${qty} exceeds order ${o.orderId}`);
    o.executedQty = executed;
    o.cumulativeQuoteQty = addDec(o.cumulativeQuoteQty, mulDec(qty, price));
    o.status = cmpDec(executed, o.origQty) === 0 ? "FILLED" : "PARTIALLY_FILLED";
    o.updateTime = serverNow();
    const tradeId = nextTradeId++;
    trades.push({ symbol: o.symbol, id: tradeId, orderId: o.orderId, price, qty, time: o.updateTime, apiKey: o.apiKey });
    pushOrderEvent(o, "TRADE", { qty, price, tradeId });
  }

  function pushOrderEvent(o: FakeOrder, executionType: string, fill?: { qty: string; price: string; tradeId: number }): void {
    const now = serverNow();
    const event =
      market === "spot"
        ? {
            e: "executionReport", E: now, s: o.symbol, c: o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce, q: o.origQty, p: o.price, P: "0.00000000", F: "0.00000000", g: -1, C: "",
            x: executionType, X: o.status, r: "NONE", i: o.orderId, l: fill?.qty ?? "0.00000000", z: o.executedQty, L: fill?.price ?? "0.00000000", n: "0", N: null, T: now, t: fill?.tradeId ?? -1,
            I: nextTradeId, w: isOpen(o), m: false, M: false, O: o.time, Z: o.cumulativeQuoteQty, Y: fill ? mulDec(fill.qty, fill.price) : "0.00000000", Q: "0.00000000", V: "NONE",
          }
        : {
            e: "ORDER_TRADE_UPDATE", E: now, T: now,
            o: { s: o.symbol, c: o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce, q: o.origQty, p: o.price, ap: "0", sp: "0", x: executionType, X: o.status, i: o.orderId, l: fill?.qty ?? "0", z: o.executedQty, L: fill?.price ?? "0", N: "USDT", n: "0", T: now, t: fill?.tradeId ?? 0, b: "0", a: "0", m: false, R: false, wt: "CONTRACT_PRICE", ot: o.type, ps: "BOTH", cp: false, rp: "0", pP: false, si: 0, ss: 0, V: "NONE", pm: "NONE", gtd: 0 },
          };
    const text = JSON.stringify(event);
    for (const u of userSockets) {
      if (listenKeys.get(u.listenKey) === o.apiKey && u.socket.readyState === u.socket.OPEN) u.socket.send(text);
    }
  }

  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/stream") {
      const streams = (url.searchParams.get("streams") ?? "").split("/").filter(Boolean);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const info: MarketSocketInfo = { socket: ws, url: req.url ?? "", streams: new Set(streams), incoming: [], subscribeMessages: [], pongs: 0, closed: false };
        marketSockets.push(info);
        ws.on("close", () => (info.closed = true));
        if (streams.length > maxStreams) {
          violations.push(`${streams.length} streams in the URL`);
          ws.close(1008, "too many streams");
          return;
        }
        const count = () => {
          const now = Date.now();
          info.incoming.push(now);
          if (info.incoming.filter((t) => t > now - 1000).length > maxIncoming) {
            violations.push("more than 5 incoming messages in a second");
            ws.close(1008, "Too many messages");
          }
        };
        ws.on("pong", () => {
          info.pongs++;
          count();
        });
        ws.on("message", (data) => {
          count();
          let msg: { method?: string; params?: unknown; id?: unknown };
          try {
            msg = JSON.parse(String(data));
          } catch {
            ws.send(JSON.stringify({ code: 3, msg: "Invalid JSON: expected value at line 1 column 1" }));
            return;
          }
          const params = Array.isArray(msg.params) ? msg.params.filter((s): s is string => typeof s === "string") : [];
          if (msg.method === "SUBSCRIBE") {
            info.subscribeMessages.push({ at: Date.now(), params });
            for (const s of params) info.streams.add(s);
            if (info.streams.size > maxStreams) {
              violations.push(`${info.streams.size} streams after SUBSCRIBE`);
              ws.close(1008, "too many streams");
              return;
            }
            ws.send(JSON.stringify({ result: null, id: msg.id ?? null }));
          } else if (msg.method === "UNSUBSCRIBE") {
            for (const s of params) info.streams.delete(s);
            ws.send(JSON.stringify({ result: null, id: msg.id ?? null }));
          } else if (msg.method === "LIST_SUBSCRIPTIONS") {
            ws.send(JSON.stringify({ result: [...info.streams], id: msg.id ?? null }));
          } else {
            ws.send(JSON.stringify({ code: 2, msg: "Invalid request: unknown variant", id: msg.id ?? null }));
          }
        });
      });
      return;
    }
    const userKey = /^\/ws\/([A-Za-z0-9]+)$/.exec(url.pathname)?.[1];
    if (userKey && listenKeys.has(userKey)) {
      wss.handleUpgrade(req, socket, head, (ws) => userSockets.push({ listenKey: userKey, socket: ws }));
      return;
    }
    socket.write("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  const fake: FakeBinance = {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    requests,
    orders,
    trades,
    marketSockets,
    userSockets,
    violations,
    klines,
    get clockSkewMs() {
      return state.clockSkewMs;
    },
    set clockSkewMs(v: number) {
      state.clockSkewMs = v;
    },
    get usedWeightOverride() {
      return state.usedWeightOverride;
    },
    set usedWeightOverride(v: number | undefined) {
      state.usedWeightOverride = v;
    },
    inject: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    setPrice: (symbol, price) => void prices.set(symbol, price),
    fill(orderId, qty, price) {
      const o = orders.find((x) => x.orderId === orderId);
      if (!o || !isOpen(o)) throw new Error(`order ${orderId} is not open`);
      applyFill(o, qty, price ?? o.price);
      return o;
    },
    publish(stream, data) {
      const text = JSON.stringify({ stream, data });
      let sent = 0;
      for (const s of marketSockets) {
        if (!s.closed && s.streams.has(stream) && s.socket.readyState === s.socket.OPEN) {
          s.socket.send(text);
          sent++;
        }
      }
      return sent;
    },
    dropMarketSockets() {
      for (const s of marketSockets) s.socket.terminate();
    },
    dropUserSockets() {
      for (const u of userSockets) u.socket.terminate();
    },
    ping(payload = "") {
      for (const s of marketSockets) if (!s.closed && s.socket.readyState === s.socket.OPEN) s.socket.ping(payload);
    },
    calls: (path, method) => requests.filter((r) => r.path === path && (!method || r.method === method)),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
  return fake;
}

/** A kline row as GET /api/v3/klines returns it. */
export function klineRow(openTime: number, intervalMs: number, o: string, h: string, l: string, c: string, v: string): unknown[] {
  return [openTime, o, h, l, c, v, openTime + intervalMs - 1, "0", 1, "0", "0", "0"];
}

function isOpen(o: FakeOrder): boolean {
  return o.status === "NEW" || o.status === "PARTIALLY_FILLED";
}

function orderJson(o: FakeOrder, transactTime?: number): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    ...(transactTime === undefined ? { time: o.time, updateTime: o.updateTime, isWorking: isOpen(o) } : { transactTime }),
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    cummulativeQuoteQty: o.cumulativeQuoteQty,
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    workingTime: o.time,
    selfTradePreventionMode: "NONE",
  };
}

function stripSignature(s: string): string {
  return s.replace(/(^|&)signature=[^&]*/, "").replace(/^&/, "");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function randomKey(): string {
  let s = "";
  while (s.length < 64) s += Math.random().toString(36).slice(2);
  return s.slice(0, 64);
}

// Tiny exact decimal helpers for the fake's own bookkeeping (scale 8).
const SCALE = 100_000_000n;
function toUnits(s: string): bigint {
  const [w, f = ""] = s.split(".");
  return BigInt(w!) * SCALE + BigInt((f + "00000000").slice(0, 8));
}
function fromUnits(u: bigint): string {
  const w = u / SCALE;
  const f = (u % SCALE).toString().padStart(8, "0");
  return `${w}.${f}`;
}
function addDec(a: string, b: string): string {
  return fromUnits(toUnits(a) + toUnits(b));
}
function mulDec(a: string, b: string): string {
  return fromUnits((toUnits(a) * toUnits(b)) / SCALE);
}
function cmpDec(a: string, b: string): number {
  const d = toUnits(a) - toUnits(b);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}
