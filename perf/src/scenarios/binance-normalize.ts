/**
 * Raw Binance combined-stream messages normalized per second on one core (the bridge's
 * `StreamNormalizer`: parse, check, map to core MarketUpdates), next to plain `JSON.parse` of the
 * same messages in the same run. Goal (exchange-bridge issue): at least 50 % of the baseline.
 *
 * The corpus is deterministic: 20 symbols at realistic prices and tick sizes, a market-data mix
 * of bookTicker (60 %), aggTrade (25 %), kline (10 %) and partial depth (5 %), shaped like the
 * payloads in containers/exchange-bridge/src/binance/fixtures. Target and baseline alternate
 * round by round (A B A B …); each round times batches of 1,000 messages, one latency sample
 * per batch. No network, no stack: this measures CPU per message.
 */
import { SYMBOL_RULES } from "@bot-core/core";
import { StreamNormalizer } from "../../../containers/exchange-bridge/src/binance/normalize";
import { latencyRecorder, median } from "../harness/histogram";
import type { Measurement } from "../result-schema";
import { ratiosOf, type Scenario } from "./types";

export const BINANCE_NORMALIZE_GOAL = 0.5;
const BATCH = 1_000;
const CORPUS = 20_000;

/** Prices per symbol near real ones (BTC ~64k, DOGE ~0.1 …). */
const BASE_PRICE: Record<string, number> = {
  BTCUSDT: 64_000, ETHUSDT: 3_100, BNBUSDT: 580, SOLUSDT: 150, XRPUSDT: 0.52, ADAUSDT: 0.45, DOGEUSDT: 0.12, AVAXUSDT: 28, DOTUSDT: 6.5, LINKUSDT: 14,
  LTCUSDT: 80, TRXUSDT: 0.12, MATICUSDT: 0.7, ATOMUSDT: 8, UNIUSDT: 7.5, NEARUSDT: 5, APTUSDT: 8.5, ARBUSDT: 0.9, OPUSDT: 1.8, FILUSDT: 4.5,
};

/** Deterministic corpus of combined-stream messages. */
export function binanceCorpus(count = CORPUS, seed = 42): string[] {
  let state = seed >>> 0;
  const rand = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
  const out: string[] = [];
  let t = 1_700_000_000_000;
  for (let i = 0; i < count; i++) {
    const rules = SYMBOL_RULES[Math.floor(rand() * SYMBOL_RULES.length)]!;
    const symbol = rules.symbol;
    const s = symbol.toLowerCase();
    const tickDigits = (rules.tickSize.split(".")[1] ?? "").length;
    const stepDigits = (rules.stepSize.split(".")[1] ?? "").length;
    const base = BASE_PRICE[symbol] ?? 10;
    const px = (x: number) => x.toFixed(Math.max(tickDigits, 2));
    const qty = () => (rand() * 10 + 0.001).toFixed(Math.max(stepDigits, 3));
    const mid = base * (1 + (rand() - 0.5) * 0.002);
    const tick = 10 ** -tickDigits;
    t += Math.floor(rand() * 3);
    const r = rand();
    if (r < 0.6) {
      out.push(JSON.stringify({ stream: `${s}@bookTicker`, data: { u: 400_900_217 + i, s: symbol, b: px(mid - tick), B: qty(), a: px(mid + tick), A: qty() } }));
    } else if (r < 0.85) {
      out.push(JSON.stringify({ stream: `${s}@aggTrade`, data: { e: "aggTrade", E: t, s: symbol, a: 12_345 + i, p: px(mid), q: qty(), f: 100 + i, l: 105 + i, T: t, m: rand() < 0.5, M: true } }));
    } else if (r < 0.95) {
      const open = Math.floor(t / 60_000) * 60_000;
      out.push(
        JSON.stringify({
          stream: `${s}@kline_1m`,
          data: { e: "kline", E: t, s: symbol, k: { t: open, T: open + 59_999, s: symbol, i: "1m", f: 100, L: 200, o: px(base), c: px(mid), h: px(Math.max(base, mid) + tick), l: px(Math.min(base, mid) - tick), v: qty(), n: 100, x: false, q: px(mid * 10), V: qty(), Q: px(mid * 5), B: "0" } },
        }),
      );
    } else {
      const levels = (sign: number) => Array.from({ length: 5 }, (_, k) => [px(mid + sign * tick * (k + 1)), qty()]);
      out.push(JSON.stringify({ stream: `${s}@depth5@100ms`, data: { lastUpdateId: 160 + i, bids: levels(-1), asks: levels(1) } }));
    }
  }
  return out;
}

interface Sampler {
  /** Processes one message; returns something so the work cannot be optimized away. */
  (raw: string): unknown;
}

/**
 * Runs `fn` over the corpus for about `ms`, in batches; returns per-batch ms and the count.
 * `onWrap` runs each time the corpus starts over (the normalizer is replaced there, so replayed
 * book updates are not dropped as out of order — every pass does the full work).
 */
function timeRound(corpus: readonly string[], fn: Sampler, ms: number, onWrap: () => void = () => {}): { batchMs: number[]; messages: number; elapsedMs: number; sink: number } {
  const batchMs: number[] = [];
  let messages = 0;
  let sink = 0;
  let i = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    const b0 = performance.now();
    for (let k = 0; k < BATCH; k++) {
      if (fn(corpus[i]!) !== undefined) sink++;
      if (++i === corpus.length) {
        i = 0;
        onWrap();
      }
    }
    batchMs.push(performance.now() - b0);
    messages += BATCH;
  }
  return { batchMs, messages, elapsedMs: performance.now() - start, sink };
}

function measurement(id: string, label: string, role: "target" | "baseline", rounds: ReturnType<typeof timeRound>[]): Measurement {
  const rec = latencyRecorder();
  for (const r of rounds) for (const b of r.batchMs) rec.record(b);
  const perRound = rounds.map((r) => (r.messages / r.elapsedMs) * 1000);
  const total = rounds.reduce((a, r) => a + r.messages, 0);
  const elapsed = rounds.reduce((a, r) => a + r.elapsedMs, 0);
  return {
    id,
    label,
    role,
    concurrency: 1,
    durationSec: Math.max(0.001, elapsed / 1000),
    latencyMs: rec.summary(),
    throughput: Math.round(median(perRound)),
    unit: "msg/s",
    total,
    errors: 0,
    timeline: rounds.map((r, t) => ({ t, rate: Math.round((r.messages / r.elapsedMs) * 1000) })),
    repeats: rounds.map((r) => {
      const s = [...r.batchMs].sort((a, b) => a - b);
      return { p50: s[Math.floor(s.length / 2)] ?? 0, p99: s[Math.floor(s.length * 0.99)] ?? 0, throughput: Math.round((r.messages / r.elapsedMs) * 1000) };
    }),
    extra: { batch: BATCH, corpus: CORPUS, latency: "ms per batch of 1,000 messages" },
  };
}

/** The measurement itself, without the stack (also used by the test). */
export function measureBinanceNormalize(durationSec: number, repeats: number, log: (m: string) => void = () => {}) {
  const corpus = binanceCorpus();
  const totals = { messages: 0, updates: 0, invalid: 0 };
  let normalizer = new StreamNormalizer({ now: () => 1_700_000_000_000 });
  const fresh = () => {
    totals.messages += normalizer.stats.messages;
    totals.updates += normalizer.stats.updates;
    totals.invalid += normalizer.stats.invalid;
    normalizer = new StreamNormalizer({ now: () => 1_700_000_000_000 });
  };
  const parse: Sampler = (raw) => JSON.parse(raw);
  const normalize: Sampler = (raw) => normalizer.normalize(raw);
  // Warm both paths up so the JIT has compiled them before anything is timed.
  timeRound(corpus, parse, 300);
  timeRound(corpus, normalize, 300, fresh);
  fresh();
  if (totals.invalid > 0) throw new Error(`the corpus produced ${totals.invalid} invalid messages`);
  totals.messages = totals.updates = 0;
  const rounds = Math.max(2, repeats * 4);
  const roundMs = (durationSec * 1000) / rounds / 2;
  const base: ReturnType<typeof timeRound>[] = [];
  const target: ReturnType<typeof timeRound>[] = [];
  for (let r = 0; r < rounds; r++) {
    base.push(timeRound(corpus, parse, roundMs));
    target.push(timeRound(corpus, normalize, roundMs, fresh));
  }
  fresh();
  const stats = totals;
  if (stats.invalid > 0) throw new Error(`the corpus produced ${stats.invalid} invalid messages`);
  const baseline = measurement("json-parse", "JSON.parse of the same messages (same run)", "baseline", base);
  const normalized = measurement("binance-normalize", "StreamNormalizer.normalize (parse + check + map)", "target", target);
  log(`  JSON.parse ${baseline.throughput} msg/s; normalize ${normalized.throughput} msg/s (${(normalized.throughput / baseline.throughput).toFixed(2)}x)`);
  return { baseline, normalized, updates: stats.updates, messages: stats.messages };
}

export const binanceNormalizeScenario: Scenario = {
  name: "binance-normalize",
  description: "Raw Binance combined-stream messages normalized per second on one core, against plain JSON.parse of the same messages (same run).",
  standalone: true,
  async run(ctx) {
    const { baseline, normalized, updates, messages } = measureBinanceNormalize(ctx.durationSec, ctx.repeats, ctx.log);
    const ratio = normalized.throughput / baseline.throughput;
    return {
      measurements: [baseline, normalized],
      ratios: ratiosOf(normalized, baseline, { throughput: BINANCE_NORMALIZE_GOAL }),
      notes: [
        `Goal (exchange-bridge issue): normalized throughput >= ${BINANCE_NORMALIZE_GOAL * 100} % of JSON.parse; measured ${(ratio * 100).toFixed(0)} %: ${ratio >= BINANCE_NORMALIZE_GOAL ? "met" : "NOT met"}.`,
        `Corpus: ${CORPUS} messages, 20 symbols; 60 % bookTicker, 25 % aggTrade, 10 % kline_1m, 5 % depth5. ${messages} normalized, ${updates} became updates (the rest: trades before their symbol's first book, re-parsed at every pass, as the normalizer starts fresh at each pass through the corpus).`,
        "One thread, no I/O: per second per core. Latency figures are ms per batch of 1,000 messages; target and baseline alternate round by round.",
      ],
    };
  },
};
