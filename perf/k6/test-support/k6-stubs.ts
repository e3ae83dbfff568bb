/**
 * Stand-ins for k6's built-in modules, so that k6 scripts can be imported and run in Node by the
 * vitest suite. perf/vitest.config.ts aliases `k6` and every `k6/*` to this one file, so it
 * exports the union of what the scripts use: `k6` (check, group, sleep, fail), `k6/http`,
 * `k6/metrics`, `k6/websockets`, `k6/ws`, `k6/timers`, `k6/execution`, `k6/crypto`,
 * `k6/encoding`, `k6/data`; the default export serves `import http from "k6/http"` and
 * `import exec from "k6/execution"` alike.
 *
 * Nothing here touches the network. Requests go to a responder the test installs (by default
 * every request answers status 0, "no network"); metrics, samples, checks, sleeps, sockets and
 * timers are recorded. All state lives on globalThis, so it survives `vi.resetModules()` (each
 * simulated VU imports the script afresh, as k6 gives every VU its own module instances).
 */
import { createHash, createHmac, randomBytes as nodeRandomBytes } from "node:crypto";

export type MetricType = "counter" | "gauge" | "rate" | "trend";
type Tags = Record<string, string>;

export interface RecordedMetric {
  name: string;
  type: MetricType;
  isTime: boolean;
}

export interface RecordedSample {
  metric: string;
  value: number;
  tags: Tags;
}

export interface RecordedRequest {
  method: string;
  url: string;
  body: string | null;
  headers: Record<string, string>;
  /** Tags as k6 would attach them: the request's own, the VU's, and `name` (default: the URL). */
  tags: Tags;
  timeout?: string | number;
  /** Whether k6 would count the response as a failure in http_req_failed. */
  failed?: boolean;
  status?: number;
}

export interface StubResponseInit {
  status: number;
  body?: string | object | null;
  headers?: Record<string, string>;
  error?: string;
  durationMs?: number;
}

export type Responder = (req: RecordedRequest) => StubResponseInit;

export interface RecordedCheck {
  name: string;
  ok: boolean;
  tags: Tags;
}

export interface StubTimer {
  id: number;
  fn: (...args: unknown[]) => void;
  args: unknown[];
  delay: number;
  repeat: boolean;
  cleared: boolean;
}

export interface StubState {
  metrics: RecordedMetric[];
  samples: RecordedSample[];
  requests: RecordedRequest[];
  checks: RecordedCheck[];
  groups: string[];
  sleeps: number[];
  sockets: StubWebSocket[];
  timers: StubTimer[];
  nextTimerId: number;
  responder: Responder;
  /** Files `open()` can read. */
  files: Record<string, string>;
  scenario: { name: string; executor: string; startTime: number; progress: number; iterationInInstance: number; iterationInTest: number };
  /** exec.vu.metrics.tags: tags the VU attaches to everything it emits. */
  vuTags: Record<string, string | number | boolean>;
  /** k6.fail / exec.test.abort / exec.test.fail messages. */
  aborted: string[];
}

const NO_NETWORK: Responder = () => ({ status: 0, error: "k6 stub: no network" });

function freshState(): StubState {
  return {
    metrics: [],
    samples: [],
    requests: [],
    checks: [],
    groups: [],
    sleeps: [],
    sockets: [],
    timers: [],
    nextTimerId: 1,
    responder: NO_NETWORK,
    files: {},
    scenario: { name: "default", executor: "per-vu-iterations", startTime: Date.now(), progress: 0, iterationInInstance: 0, iterationInTest: 0 },
    vuTags: {},
    aborted: [],
  };
}

type StubGlobal = typeof globalThis & {
  __k6Stub?: StubState;
  __ENV?: Record<string, string>;
  __VU?: number;
  __ITER?: number;
  open?: (path: string, mode?: string) => string | ArrayBuffer;
};
const g = globalThis as StubGlobal;

/** The shared recording state. */
export function stubState(): StubState {
  return (g.__k6Stub ??= freshState());
}

/** Forgets everything recorded, the responder and files included; sets k6's globals to init values. */
export function resetStub(env: Record<string, string> = {}): StubState {
  g.__k6Stub = freshState();
  g.__ENV = { ...env };
  g.__VU = 0;
  g.__ITER = 0;
  return g.__k6Stub;
}

/** Forgets what was recorded but keeps the responder, files and registered metrics. */
export function clearRecordings(): void {
  const s = stubState();
  s.samples = [];
  s.requests = [];
  s.checks = [];
  s.groups = [];
  s.sleeps = [];
  s.sockets = [];
  s.timers = [];
  s.aborted = [];
}

// k6 globals: defined as soon as any script (or test) imports a k6 module.
g.__ENV ??= {};
g.__VU ??= 0;
g.__ITER ??= 0;
g.open ??= (path: string) => {
  const contents = stubState().files[path];
  if (contents === undefined) throw new Error(`k6 stub: open(${path}): no such file registered`);
  return contents;
};

function vuTags(): Tags {
  return Object.fromEntries(Object.entries(stubState().vuTags).map(([k, v]) => [k, String(v)]));
}

// ---------------------------------------------------------------------------------------------
// k6

export function check<T>(value: T, sets: Record<string, (v: T) => unknown>, tags: object = {}): boolean {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = Boolean(fn(value)); // a throwing checker throws, as in k6
    all &&= ok;
    stubState().checks.push({ name, ok, tags: { ...vuTags(), ...(tags as Tags) } });
  }
  return all;
}

export function sleep(seconds: number): void {
  stubState().sleeps.push(seconds);
}

export function group<T>(name: string, fn: () => T): T {
  stubState().groups.push(name);
  return fn();
}

export class K6Fail extends Error {}

export function fail(message?: string): never {
  stubState().aborted.push(message ?? "");
  throw new K6Fail(message);
}

export function randomSeed(_seed: number): void {}

// ---------------------------------------------------------------------------------------------
// k6/metrics

abstract class Metric {
  constructor(
    readonly name: string,
    readonly isTime: boolean,
    readonly type: MetricType,
  ) {
    stubState().metrics.push({ name, type, isTime });
  }
  add(value: number | boolean, tags: Tags = {}): void {
    stubState().samples.push({ metric: this.name, value: Number(value), tags: { ...vuTags(), ...tags } });
  }
}

export class Counter extends Metric {
  constructor(name: string, isTime = false) {
    super(name, isTime, "counter");
  }
}
export class Gauge extends Metric {
  constructor(name: string, isTime = false) {
    super(name, isTime, "gauge");
  }
}
export class Rate extends Metric {
  constructor(name: string, isTime = false) {
    super(name, isTime, "rate");
  }
}
export class Trend extends Metric {
  constructor(name: string, isTime = false) {
    super(name, isTime, "trend");
  }
}

// ---------------------------------------------------------------------------------------------
// k6/http

interface Params {
  headers?: Record<string, string>;
  tags?: Tags;
  timeout?: string | number;
  responseCallback?: ExpectedStatuses;
}

interface ExpectedStatuses {
  readonly __expected: (status: number) => boolean;
}

let defaultResponseCallback: ExpectedStatuses | undefined;

export function expectedStatuses(...statuses: Array<number | { min: number; max: number }>): ExpectedStatuses {
  return {
    __expected: (status) => statuses.some((s) => (typeof s === "number" ? s === status : status >= s.min && status <= s.max)),
  };
}

export function setResponseCallback(callback: ExpectedStatuses): void {
  defaultResponseCallback = callback;
}

function canonicalHeader(name: string): string {
  return name
    .split("-")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase())
    .join("-");
}

export class StubResponse {
  readonly status: number;
  readonly body: string | null;
  readonly headers: Record<string, string>;
  readonly error: string;
  readonly error_code: number;
  readonly url: string;
  readonly timings: { blocked: number; connecting: number; tls_handshaking: number; sending: number; waiting: number; receiving: number; duration: number };
  readonly request: { method: string; url: string; body: string; headers: Record<string, string[]>; cookies: Record<string, never> };

  constructor(req: RecordedRequest, init: StubResponseInit) {
    this.status = init.status;
    this.body = init.body === undefined || init.body === null ? null : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    this.headers = Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [canonicalHeader(k), v]));
    this.error = init.error ?? "";
    this.error_code = init.status === 0 ? 1000 : init.status >= 400 ? 1400 : 0;
    this.url = req.url;
    const d = init.durationMs ?? 1;
    this.timings = { blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: d, receiving: 0, duration: d };
    this.request = { method: req.method, url: req.url, body: req.body ?? "", headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, [v]])), cookies: {} };
  }

  /** As k6's Response.json(): parses the body, throws when it is not JSON. */
  json(selector?: string): unknown {
    if (this.body === null) throw new Error("k6 stub: response has no body");
    const parsed: unknown = JSON.parse(this.body);
    if (!selector) return parsed;
    return selector.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), parsed);
  }
}

function bodyText(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body === "string") return body;
  return JSON.stringify(body);
}

export function request(method: string, url: string, body?: unknown, params: Params = {}): StubResponse {
  const state = stubState();
  const req: RecordedRequest = {
    method: method.toUpperCase(),
    url: String(url),
    body: bodyText(body),
    headers: { ...(params.headers ?? {}) },
    tags: { ...vuTags(), name: String(url), ...(params.tags ?? {}) },
    ...(params.timeout !== undefined ? { timeout: params.timeout } : {}),
  };
  state.requests.push(req);
  const res = new StubResponse(req, state.responder(req));
  const expected = params.responseCallback ?? defaultResponseCallback ?? expectedStatuses({ min: 200, max: 399 });
  req.status = res.status;
  req.failed = res.status === 0 || !expected.__expected(res.status);
  return res;
}

export function get(url: string, params?: Params): StubResponse {
  return request("GET", url, null, params);
}
export function head(url: string, params?: Params): StubResponse {
  return request("HEAD", url, null, params);
}
export function post(url: string, body?: unknown, params?: Params): StubResponse {
  return request("POST", url, body, params);
}
export function put(url: string, body?: unknown, params?: Params): StubResponse {
  return request("PUT", url, body, params);
}
export function patch(url: string, body?: unknown, params?: Params): StubResponse {
  return request("PATCH", url, body, params);
}
export function del(url: string, body?: unknown, params?: Params): StubResponse {
  return request("DELETE", url, body, params);
}
export function options(url: string, body?: unknown, params?: Params): StubResponse {
  return request("OPTIONS", url, body, params);
}

type BatchRequest =
  | string
  | [string, string, unknown?, Params?]
  | { method: string; url: string; body?: unknown; params?: Params | null };

function runBatchRequest(r: BatchRequest): StubResponse {
  if (typeof r === "string") return get(r);
  if (Array.isArray(r)) return request(r[0], r[1], r[2], r[3] ?? {});
  return request(r.method, r.url, r.body, r.params ?? {});
}

export function batch(requests: BatchRequest[] | Record<string, BatchRequest>): StubResponse[] | Record<string, StubResponse> {
  if (Array.isArray(requests)) return requests.map(runBatchRequest);
  return Object.fromEntries(Object.entries(requests).map(([k, r]) => [k, runBatchRequest(r)]));
}

export function url(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");
}

export function file(data: string | ArrayBuffer, filename?: string, contentType?: string) {
  return { data, filename, content_type: contentType ?? "application/octet-stream" };
}

export function cookieJar() {
  const cookies: Record<string, Record<string, string>> = {};
  return {
    set: (u: string, name: string, value: string) => void ((cookies[u] ??= {})[name] = value),
    cookiesForURL: (u: string) => Object.fromEntries(Object.entries(cookies[u] ?? {}).map(([k, v]) => [k, [v]])),
    clear: (u: string) => void delete cookies[u],
    delete: (u: string, name: string) => void delete cookies[u]?.[name],
  };
}

export const TLS_1_2 = "tls1.2";
export const TLS_1_3 = "tls1.3";

// ---------------------------------------------------------------------------------------------
// k6/timers

function addTimer(fn: (...args: unknown[]) => void, delay: number, args: unknown[], repeat: boolean): number {
  const state = stubState();
  const id = state.nextTimerId++;
  state.timers.push({ id, fn, args, delay: Number(delay) || 0, repeat, cleared: false });
  return id;
}

function clearTimer(id: number | undefined): void {
  const t = stubState().timers.find((x) => x.id === id);
  if (t) t.cleared = true;
}

export function setTimeout(fn: (...args: unknown[]) => void, delay = 0, ...args: unknown[]): number {
  return addTimer(fn, delay, args, false);
}
export function setInterval(fn: (...args: unknown[]) => void, delay = 0, ...args: unknown[]): number {
  return addTimer(fn, delay, args, true);
}
export const clearTimeout = clearTimer;
export const clearInterval = clearTimer;

/**
 * Fires pending timers in order of delay: one-shot timers once, intervals `intervalRuns` times
 * each. Returns how many callbacks ran.
 */
export function runTimers(intervalRuns = 1): number {
  let ran = 0;
  const pending = [...stubState().timers].sort((a, b) => a.delay - b.delay);
  for (const t of pending) {
    for (let i = 0; i < (t.repeat ? intervalRuns : 1) && !t.cleared; i++) {
      t.fn(...t.args);
      ran++;
    }
    if (!t.repeat) t.cleared = true;
  }
  return ran;
}

// ---------------------------------------------------------------------------------------------
// k6/websockets

interface WsParams {
  headers?: Record<string, string>;
  tags?: Record<string, string | number | boolean>;
}

type WsListener = (event: Record<string, unknown>) => void;

export class StubWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  readyState = 0;
  binaryType = "blob";
  bufferedAmount = 0;
  readonly sent: string[] = [];
  /** Frames delivered to the script. */
  received = 0;
  closedWith: { code?: number; reason?: string } | undefined;
  /** Tags as k6 would put on ws_* metrics: the VU's, the params', `name` (default: the URL). */
  readonly tags: Tags;
  onopen: ((e?: unknown) => void) | null = null;
  onmessage: ((e?: unknown) => void) | null = null;
  onclose: ((e?: unknown) => void) | null = null;
  onerror: ((e?: unknown) => void) | null = null;
  onping: (() => void) | null = null;
  onpong: (() => void) | null = null;
  private readonly listeners: Record<string, WsListener[]> = {};

  constructor(
    readonly url: string,
    readonly protocols: unknown = null,
    readonly params: WsParams = {},
  ) {
    if (!/^wss?:\/\//.test(url)) throw new Error(`WebSocket requires url with scheme ws or wss, but got ${url}`);
    this.tags = { ...vuTags(), name: url, ...Object.fromEntries(Object.entries(params.tags ?? {}).map(([k, v]) => [k, String(v)])) };
    stubState().sockets.push(this);
  }

  addEventListener(type: string, listener: WsListener): void {
    (this.listeners[type] ??= []).push(listener);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("k6 stub: send on a socket that is not open");
    this.sent.push(String(data));
  }

  ping(): void {}

  close(code?: number, reason?: string): void {
    if (this.readyState === 3) return;
    this.closedWith = { ...(code !== undefined ? { code } : {}), ...(reason !== undefined ? { reason } : {}) };
    this.readyState = 3;
    this.dispatch("close", { code: code ?? 1000, reason: reason ?? "" });
  }

  // --- test controls ---

  /** The server accepted the upgrade. */
  serverOpen(): void {
    this.readyState = 1;
    this.dispatch("open", {});
  }

  /** The server sent a text frame (`timestamp`: arrival, epoch ms, as k6's MessageEvent). */
  serverSend(frame: unknown, timestamp = Date.now()): void {
    if (this.readyState !== 1) return;
    this.received += 1;
    this.dispatch("message", { data: typeof frame === "string" ? frame : JSON.stringify(frame), timestamp });
  }

  /** The connection failed or broke: error, then close (as k6 does). */
  serverError(message: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.dispatch("error", { error: message });
    this.dispatch("close", { code: 1006, reason: "" });
  }

  private dispatch(type: string, event: Record<string, unknown>): void {
    const e = { type, timestamp: Date.now(), ...event };
    for (const l of this.listeners[type] ?? []) l(e);
    const on = (this as unknown as Record<string, ((e: unknown) => void) | null>)[`on${type}`];
    if (on) on(e);
  }
}

export { StubWebSocket as WebSocket };

export class Blob {
  constructor(
    readonly parts: unknown[] = [],
    readonly options: { type?: string } = {},
  ) {}
}

// ---------------------------------------------------------------------------------------------
// k6/ws (legacy): enough to import; scripts here use k6/websockets.

export function connect(url: string, params: unknown, callback?: (socket: unknown) => void): { status: number; url: string } {
  const socket = {
    on: () => undefined,
    send: () => undefined,
    close: () => undefined,
    ping: () => undefined,
    setTimeout: () => undefined,
    setInterval: () => undefined,
  };
  const cb = typeof params === "function" ? (params as (s: unknown) => void) : callback;
  cb?.(socket);
  return { status: 0, url };
}

// ---------------------------------------------------------------------------------------------
// k6/crypto, k6/encoding, k6/data

export function randomBytes(size: number): ArrayBuffer {
  const b = nodeRandomBytes(size);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

function digest(algorithm: string, input: string | ArrayBuffer, encoding: string): string | ArrayBuffer {
  const hash = createHash(algorithm).update(typeof input === "string" ? input : Buffer.from(input));
  return encoding === "binary" ? new Uint8Array(hash.digest()).buffer : hash.digest(encoding === "base64rawurl" ? "base64url" : (encoding as "hex" | "base64"));
}

export const sha256 = (input: string | ArrayBuffer, enc: string) => digest("sha256", input, enc);
export const sha1 = (input: string | ArrayBuffer, enc: string) => digest("sha1", input, enc);
export const md5 = (input: string | ArrayBuffer, enc: string) => digest("md5", input, enc);
export function hmac(algorithm: string, secret: string, data: string, enc: string): string {
  return createHmac(algorithm, secret).update(data).digest(enc === "base64" ? "base64" : "hex");
}

export function b64encode(input: string | ArrayBuffer, encoding = "std"): string {
  const buf = typeof input === "string" ? Buffer.from(input) : Buffer.from(input);
  return encoding.startsWith("url") ? buf.toString("base64url") : buf.toString("base64");
}
export function b64decode(input: string, _encoding = "std", format?: "s"): string | ArrayBuffer {
  const buf = Buffer.from(input, "base64");
  return format === "s" ? buf.toString("utf8") : new Uint8Array(buf).buffer;
}

export class SharedArray<T> extends Array<T> {
  constructor(_name: string, factory: () => T[]) {
    super();
    this.push(...factory());
  }
}

// ---------------------------------------------------------------------------------------------
// k6/execution

export const scenario = {
  get name() {
    return stubState().scenario.name;
  },
  get executor() {
    return stubState().scenario.executor;
  },
  get startTime() {
    return stubState().scenario.startTime;
  },
  get progress() {
    return stubState().scenario.progress;
  },
  get iterationInInstance() {
    return g.__ITER ?? 0;
  },
  get iterationInTest() {
    return g.__ITER ?? 0;
  },
};

export const instance = { iterationsInterrupted: 0, iterationsCompleted: 0, vusActive: 1, vusInitialized: 1, currentTestRunDuration: 0 };

export const test = {
  abort(message?: string): never {
    stubState().aborted.push(message ?? "");
    throw new K6Fail(message ?? "test aborted");
  },
  fail(message?: string): void {
    stubState().aborted.push(message ?? "");
  },
  options: {},
};

export const vu = {
  get idInTest() {
    return g.__VU ?? 0;
  },
  get idInInstance() {
    return g.__VU ?? 0;
  },
  get iterationInInstance() {
    return g.__ITER ?? 0;
  },
  get iterationInScenario() {
    return g.__ITER ?? 0;
  },
  get tags() {
    return stubState().vuTags;
  },
  metrics: {
    get tags() {
      return stubState().vuTags;
    },
    metadata: {},
  },
};

// ---------------------------------------------------------------------------------------------
// Default export: `import http from "k6/http"`, `import exec from "k6/execution"`, `import ws from "k6/ws"`…

const defaults = {
  // k6/http
  request, get, head, post, put, patch, del, options, batch, url, file, cookieJar, expectedStatuses, setResponseCallback, TLS_1_2, TLS_1_3,
  // k6/execution
  scenario, instance, test, vu,
  // k6/ws
  connect,
  // k6/crypto, k6/encoding
  randomBytes, sha256, sha1, md5, hmac, b64encode, b64decode,
};
export default defaults;
