/**
 * The kline window the bridge analyses when a request brings no klines: the closed candles its
 * market source produced, per symbol and interval (the last `capacity`), completed at the front
 * with deterministic history from a seeded simulator when the bridge has not been up long enough.
 *
 * - Live candles come from `onUpdate` (closed klines only).
 * - History: a simulator of that one symbol, seeded from (seed, symbol, interval), run up to the
 *   current candle boundary and advanced incrementally as time passes; when live candles exist,
 *   the history is rescaled so its last close meets the first live open (no price jump).
 *
 * @example
 * const feed = new KlineFeed({ seed: 42, now: Date.now });
 * source.onUpdate((u) => feed.onUpdate(u));
 * feed.window("BTCUSDT", "1m"); // up to 500 closed candles, oldest first
 */
import type { Candle } from "@bot-core/analysis";
import type { KlineInterval, MarketUpdate } from "@bot-core/core";
import { INTERVAL_MS, MarketSimulator } from "../simulator";

const TRADES_PER_CANDLE = 20;

interface Series {
  /** Oldest first; at most `capacity`. */
  candles: Candle[];
  /** Index of the first live candle in `candles` (candles.length when none). */
  liveFrom: number;
  history: { sim: MarketSimulator; end: number } | undefined;
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
    const candle: Candle = { openTime: u.openTime, open: Number(u.open), high: Number(u.high), low: Number(u.low), close: Number(u.close), volume: Number(u.volume) };
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
  window(symbol: string, interval: KlineInterval): Candle[] {
    const s = this.#get(symbol, interval);
    const ms = INTERVAL_MS[interval];
    const boundary = Math.floor(this.#opts.now() / ms) * ms;
    if (s.liveFrom >= s.candles.length) {
      // No live candles: synthetic history up to the current boundary.
      const h = (s.history ??= this.#history(symbol, interval, boundary - this.capacity * ms));
      if (h.end < boundary) {
        for (const u of h.sim.advance(boundary, Math.round(((boundary - h.end) / ms) * TRADES_PER_CANDLE))) {
          if (u.kind === "kline" && u.closed && u.closeTime < boundary) s.candles.push({ openTime: u.openTime, open: Number(u.open), high: Number(u.high), low: Number(u.low), close: Number(u.close), volume: Number(u.volume) });
        }
        h.end = boundary;
        s.liveFrom = s.candles.length;
        this.#trim(s);
      }
    } else if (s.candles.length < this.capacity && s.liveFrom === 0) {
      // Live candles only: prepend history that ends where the live candles start.
      const first = s.candles[0]!;
      const missing = this.capacity - s.candles.length;
      const h = this.#history(symbol, interval, first.openTime - missing * ms);
      const back: Candle[] = [];
      for (const u of h.sim.advance(first.openTime, missing * TRADES_PER_CANDLE)) {
        if (u.kind === "kline" && u.closed && u.openTime < first.openTime) back.push({ openTime: u.openTime, open: Number(u.open), high: Number(u.high), low: Number(u.low), close: Number(u.close), volume: Number(u.volume) });
      }
      rescale(back, first.open);
      s.candles = [...back, ...s.candles];
      s.liveFrom = back.length;
      this.#trim(s);
    }
    return s.candles.slice();
  }

  #history(symbol: string, interval: KlineInterval, start: number): NonNullable<Series["history"]> {
    const sim = new MarketSimulator({ seed: (this.#opts.seed ^ hash(`${symbol}/${interval}`)) >>> 0, startTime: Math.max(0, start), symbols: [symbol], klineIntervals: [interval], klineUpdateMs: Number.MAX_SAFE_INTEGER });
    return { sim, end: Math.max(0, start) };
  }

  #get(symbol: string, interval: KlineInterval): Series {
    const key = `${symbol}/${interval}`;
    let s = this.#series.get(key);
    if (!s) this.#series.set(key, (s = { candles: [], liveFrom: 0, history: undefined }));
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
