/**
 * Stays under Binance's request limits instead of discovering them by 429s.
 *
 * Binance reports what this IP/account has used in response headers:
 * `X-MBX-USED-WEIGHT-<n><unit>` (request weight per interval) and `X-MBX-ORDER-COUNT-<n><unit>`
 * (orders per interval), unit S/M/H/D. Counters reset at fixed interval boundaries. The budget
 * keeps, per window, the last reported use (plus what we sent since), and before each request
 * says how long to wait so that use + cost stays at or below `limit x headroom`.
 *
 * A 429 or 418 blocks everything until the `Retry-After` the venue gave (418 = an IP ban).
 *
 * @example
 * const budget = new RequestBudget({ limits: [{ kind: "weight", window: "1M", limit: 6000 }] });
 * const wait = budget.delayFor({ weight: 4 }, now); // 0 when it fits
 * budget.commit({ weight: 4 }, now);
 * budget.observe(response.headers, now);
 */

export type LimitKind = "weight" | "orders";

export interface RateLimitRule {
  readonly kind: LimitKind;
  /** e.g. "1M", "10S", "1D". */
  readonly window: string;
  readonly limit: number;
}

export interface RequestCost {
  readonly weight: number;
  /** 1 for a new order, 0 otherwise. */
  readonly orders?: number;
}

const UNIT_MS: Record<string, number> = { S: 1_000, M: 60_000, H: 3_600_000, D: 86_400_000 };
const HEADER_RE = /^x-mbx-(used-weight|order-count)-(\d+)([smhd])$/i;

/** Default limits of spot and USD-M futures (exchangeInfo replaces them when loaded). */
export const SPOT_LIMITS: readonly RateLimitRule[] = [
  { kind: "weight", window: "1M", limit: 6000 },
  { kind: "orders", window: "10S", limit: 100 },
  { kind: "orders", window: "1D", limit: 200_000 },
];
export const USDM_LIMITS: readonly RateLimitRule[] = [
  { kind: "weight", window: "1M", limit: 2400 },
  { kind: "orders", window: "10S", limit: 300 },
  { kind: "orders", window: "1M", limit: 1200 },
];

/** Window length in ms of "10S", "1M", …; undefined for anything else. */
export function windowMs(window: string): number | undefined {
  const m = /^(\d+)([SMHD])$/.exec(window.toUpperCase());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = UNIT_MS[m[2]!];
  return unit && n > 0 ? n * unit : undefined;
}

/** exchangeInfo `rateLimits` → rules (RAW_REQUESTS is not reported per response; ignored). */
export function rulesFromExchangeInfo(rateLimits: readonly { rateLimitType: string; interval: string; intervalNum: number; limit: number }[]): RateLimitRule[] {
  const letter: Record<string, string> = { SECOND: "S", MINUTE: "M", HOUR: "H", DAY: "D" };
  const rules: RateLimitRule[] = [];
  for (const r of rateLimits) {
    const unit = letter[r.interval];
    if (!unit || !(r.limit > 0)) continue;
    if (r.rateLimitType === "REQUEST_WEIGHT") rules.push({ kind: "weight", window: `${r.intervalNum}${unit}`, limit: r.limit });
    else if (r.rateLimitType === "ORDERS") rules.push({ kind: "orders", window: `${r.intervalNum}${unit}`, limit: r.limit });
  }
  return rules;
}

interface WindowState {
  rule: RateLimitRule;
  lengthMs: number;
  /** Start of the interval `used` belongs to. */
  start: number;
  used: number;
}

export interface RequestBudgetOptions {
  readonly limits: readonly RateLimitRule[];
  /** Share of each limit we allow ourselves (default 0.9). */
  readonly headroom?: number;
}

export class RequestBudget {
  #windows: WindowState[] = [];
  readonly #headroom: number;
  #blockedUntil = 0;
  #blockReason: "429" | "418" | undefined;

  constructor(options: RequestBudgetOptions) {
    this.#headroom = options.headroom ?? 0.9;
    this.setLimits(options.limits);
  }

  setLimits(limits: readonly RateLimitRule[]): void {
    const previous = new Map(this.#windows.map((w) => [`${w.rule.kind}:${w.rule.window}`, w]));
    this.#windows = [];
    for (const rule of limits) {
      const lengthMs = windowMs(rule.window);
      if (lengthMs === undefined) continue;
      const old = previous.get(`${rule.kind}:${rule.window.toUpperCase()}`);
      this.#windows.push({ rule: { ...rule, window: rule.window.toUpperCase() }, lengthMs, start: old?.start ?? 0, used: old?.used ?? 0 });
    }
  }

  get limits(): readonly RateLimitRule[] {
    return this.#windows.map((w) => w.rule);
  }

  /** Current use per window as last known, e.g. `{ "weight:1M": 12 }`. */
  usage(now: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const w of this.#windows) out[`${w.rule.kind}:${w.rule.window}`] = this.#current(w, now);
    return out;
  }

  /** Until when (epoch ms) every request is held back, and why. */
  blocked(now: number): { until: number; reason: "429" | "418" } | undefined {
    return this.#blockedUntil > now && this.#blockReason ? { until: this.#blockedUntil, reason: this.#blockReason } : undefined;
  }

  /** Holds every request until `until` (429 back-off or 418 ban). */
  block(until: number, reason: "429" | "418"): void {
    if (until > this.#blockedUntil || reason === "418") {
      this.#blockedUntil = Math.max(until, this.#blockedUntil);
      this.#blockReason = reason;
    }
  }

  /** Milliseconds to wait before a request of `cost` fits every window (0 = now). */
  delayFor(cost: RequestCost, now: number): number {
    let wait = Math.max(0, this.#blockedUntil - now);
    for (const w of this.#windows) {
      const amount = w.rule.kind === "weight" ? cost.weight : (cost.orders ?? 0);
      if (amount <= 0) continue;
      const allowed = Math.floor(w.rule.limit * this.#headroom);
      if (this.#current(w, now) + amount > allowed) {
        const start = Math.floor(now / w.lengthMs) * w.lengthMs;
        wait = Math.max(wait, start + w.lengthMs - now);
      }
    }
    return wait;
  }

  /** Counts a request we are about to send (until the response's headers say better). */
  commit(cost: RequestCost, now: number): void {
    for (const w of this.#windows) {
      const amount = w.rule.kind === "weight" ? cost.weight : (cost.orders ?? 0);
      if (amount <= 0) continue;
      this.#roll(w, now);
      w.used += amount;
    }
  }

  /** Takes the venue's own counts from response headers (they include other processes' use). */
  observe(headers: Headers, now: number): void {
    headers.forEach((value, name) => {
      const m = HEADER_RE.exec(name);
      if (!m) return;
      const kind: LimitKind = m[1]!.toLowerCase() === "used-weight" ? "weight" : "orders";
      const window = `${m[2]}${m[3]!.toUpperCase()}`;
      const used = Number(value);
      if (!Number.isInteger(used) || used < 0) return;
      let w = this.#windows.find((x) => x.rule.kind === kind && x.rule.window === window);
      if (!w) return; // a window we have no limit for
      this.#roll(w, now);
      w.used = used;
    });
  }

  #roll(w: WindowState, now: number): void {
    const start = Math.floor(now / w.lengthMs) * w.lengthMs;
    if (start !== w.start) {
      w.start = start;
      w.used = 0;
    }
  }

  #current(w: WindowState, now: number): number {
    const start = Math.floor(now / w.lengthMs) * w.lengthMs;
    return start === w.start ? w.used : 0;
  }
}

/** `Retry-After` (seconds, or an HTTP date) → ms; `fallbackMs` when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number, fallbackMs: number): number {
  if (value === null || value.trim() === "") return fallbackMs;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : fallbackMs;
}
