/**
 * The kline window the bridge analyses when a request brings no klines: the closed candles its
 * market source produced, per symbol and interval (the last `capacity`), completed at the front
 * with deterministic history from a seeded simulator when the bridge has not been up long enough.
 *
 * - Live candles come from `onUpdate` (closed klines only).
 * - History: a simulator of that one symbol, seeded from (seed, symbol, interval), run up to the
 *   current candle boundary and advanced as time passes; when live candles exist, the history is
 *   rescaled so its last close meets the first live open (no price jump).
 * - Generating history costs ~10 µs per candle-trade; it runs in chunks of CHUNK_CANDLES with a
 *   turn of the event loop between them, so the loop is never held for more than a few ms, and
 *   one series is filled once however many requests wait for it. `warm` fills series ahead.
 *
 * @example
 * const feed = new KlineFeed({ seed: 42, now: Date.now });
 * source.onUpdate((u) => feed.onUpdate(u));
 * await feed.window("BTCUSDT", "1m"); // up to 500 closed candles, oldest first
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Candle } from "@bot-core/analysis";
import type { KlineInterval, KlineUpdate, MarketUpdate } from "@bot-core/core";
import { INTERVAL_MS, MarketSimulator } from "../simulator";

/** Simulated trades per history candle (enough for a plausible high/low/volume). */
const TRADES_PER_CANDLE = 10;
/** History candles generated between two turns of the event loop. */
const CHUNK_CANDLES = 25;

interface Series {
  /** Oldest first; at most `capacity`. */
  candles: Candle[];
  /** Index of the first live candle in `candles` (candles.length when none). */
  liveFrom: number;
  history: { sim: MarketSimulator; end: number } | undefined;
  /** The series' history work, one at a time. */
  busy: Promise<void>;
}

export interface KlineFeedOptions {
  readonly seed: number;
  readonly now: () => number;
  readonly capacity?: number;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const toCandle = (u: KlineUpdate): Candle => ({ openTime: u.openTime, open: Number(u.open), high: Number(u.high), low: Number(u.low), close: Number(u.close), volume: Number(u.volume) });

export class KlineFeed {
  readonly capacity: number;
  readonly #series = new Map<string, Series>();
  readonly #opts: KlineFeedOptions;

  constructor(options: KlineFeedOptions) {
    this.#opts = options;
    this.capacity = options.capacity ?? 500;
  }

  onUpdate(u: MarketUpdate): void {
    if (u.kind !== "kline" || !u.closed) return;
    const s = this.#get(u.symbol, u.interval);
    const candle = toCandle(u);
    if (s.liveFrom < s.candles.length) {
      if (u.openTime <= s.candles[s.candles.length - 1]!.openTime) return; // a repeat
    } else {
      // The first live candle: synthetic history overlapping it goes, the rest meets its open.
      s.candles = s.candles.filter((c) => c.openTime < u.openTime);
      rescale(s.candles, candle.open);
      s.liveFrom = s.candles.length;
    }
    s.candles.push(candle);
    this.#trim(s);
  }

  /** Closed candles of the symbol and interval, oldest first (a copy). */
  async window(symbol: string, interval: KlineInterval): Promise<Candle[]> {
    const s = this.#get(symbol, interval);
    const work = s.busy.then(() => this.#complete(s, symbol, interval));
    s.busy = work.catch(() => {});
    await work;
    return s.candles.slice();
  }

  /** Fills the given series ahead of the first request (history generation in the background). */
  async warm(symbols: readonly string[], interval: KlineInterval): Promise<void> {
    for (const symbol of symbols) await this.window(symbol, interval);
  }

  async #complete(s: Series, symbol: string, interval: KlineInterval): Promise<void> {
    const ms = INTERVAL_MS[interval];
    const boundary = Math.floor(this.#opts.now() / ms) * ms;
    if (s.liveFrom >= s.candles.length) {
      // No live candles: synthetic history up to the current boundary.
      const h = (s.history ??= this.#history(symbol, interval, boundary - this.capacity * ms));
      if (h.end >= boundary) return;
      const fresh = await this.#generate(h, boundary, ms);
      if (s.liveFrom >= s.candles.length) {
        const last = s.candles[s.candles.length - 1]?.openTime ?? -1;
        for (const c of fresh) if (c.openTime > last) s.candles.push(c);
        s.liveFrom = s.candles.length;
        this.#trim(s);
      } else this.#prepend(s, fresh);
    } else if (s.candles.length < this.capacity && s.liveFrom === 0) {
      // Live candles only: prepend history that ends where the live candles start.
      const first = s.candles[0]!.openTime;
      const missing = this.capacity - s.candles.length;
      const h = this.#history(symbol, interval, first - missing * ms);
      this.#prepend(s, await this.#generate(h, first, ms));
    }
  }

  /** Runs the history simulator to `until` in chunks, yielding to the event loop between them. */
  async #generate(h: NonNullable<Series["history"]>, until: number, ms: number): Promise<Candle[]> {
    const out: Candle[] = [];
    while (h.end < until) {
      const next = Math.min(until, h.end + CHUNK_CANDLES * ms);
      for (const u of h.sim.advance(next, Math.max(1, Math.round(((next - h.end) / ms) * TRADES_PER_CANDLE)))) {
        if (u.kind === "kline" && u.closed && u.closeTime < until) out.push(toCandle(u));
      }
      h.end = next;
      if (h.end < until) await nextTurn();
    }
    return out;
  }

  /** Puts history before the live candles, rescaled to meet the first live open. */
  #prepend(s: Series, history: Candle[]): void {
    const first = s.candles[s.liveFrom];
    if (!first || s.liveFrom !== 0) return;
    const back = history.filter((c) => c.openTime < first.openTime).slice(-(this.capacity - s.candles.length));
    if (back.length === 0) return;
    rescale(back, first.open);
    s.candles = [...back, ...s.candles];
    s.liveFrom = back.length;
    this.#trim(s);
  }

  #history(symbol: string, interval: KlineInterval, start: number): NonNullable<Series["history"]> {
    const begin = Math.max(0, start);
    const sim = new MarketSimulator({ seed: (this.#opts.seed ^ hash(`${symbol}/${interval}`)) >>> 0, startTime: begin, symbols: [symbol], klineIntervals: [interval], klineUpdateMs: Number.MAX_SAFE_INTEGER });
    return { sim, end: begin };
  }

  #get(symbol: string, interval: KlineInterval): Series {
    const key = `${symbol}/${interval}`;
    let s = this.#series.get(key);
    if (!s) this.#series.set(key, (s = { candles: [], liveFrom: 0, history: undefined, busy: Promise.resolve() }));
    return s;
  }

  #trim(s: Series): void {
    const extra = s.candles.length - this.capacity;
    if (extra > 0) {
      s.candles.splice(0, extra);
      s.liveFrom = Math.max(0, s.liveFrom - extra);
    }
  }
}

/** Scales candles so the last close equals `target` (prices only; volume unchanged). */
function rescale(cs: Candle[], target: number): void {
  const last = cs[cs.length - 1];
  if (!last || last.close === 0) return;
  const f = target / last.close;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    cs[i] = { ...c, open: c.open * f, high: c.high * f, low: c.low * f, close: c.close * f };
  }
}
