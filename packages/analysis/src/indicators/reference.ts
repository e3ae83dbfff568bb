/**
 * Naive reference implementations for the tests: each value is recomputed from scratch over the
 * whole series up to index t (O(n) per value), written independently of the incremental
 * classes — a second opinion, not a copy.
 */
import type { Candle } from "../candle";

type Series = (number | undefined)[];

export function naiveSma(xs: readonly number[], n: number): Series {
  return xs.map((_, t) => (t + 1 < n ? undefined : xs.slice(t + 1 - n, t + 1).reduce((a, b) => a + b, 0) / n));
}

/** EMA in closed form: (1-α)^(t-n+1) · seed + Σ α (1-α)^(t-j) x_j, seed = mean of the first n. */
export function naiveEma(xs: readonly number[], n: number): Series {
  const a = 2 / (n + 1);
  const seed = xs.slice(0, n).reduce((s, x) => s + x, 0) / n;
  return xs.map((_, t) => {
    if (t + 1 < n) return undefined;
    let v = Math.pow(1 - a, t - n + 1) * seed;
    for (let j = n; j <= t; j++) v += a * Math.pow(1 - a, t - j) * xs[j]!;
    return v;
  });
}

/** Wilder average of a series that may start late (undefined head). */
function wilder(xs: readonly number[], n: number): Series {
  const out: Series = [];
  let v: number | undefined;
  for (let t = 0; t < xs.length; t++) {
    if (t + 1 < n) out.push(undefined);
    else if (t + 1 === n) out.push((v = xs.slice(0, n).reduce((s, x) => s + x, 0) / n));
    else out.push((v = (v! * (n - 1) + xs[t]!) / n));
  }
  return out;
}

export function naiveRsi(closes: readonly number[], n: number): Series {
  const changes = closes.slice(1).map((c, i) => c - closes[i]!);
  const g = wilder(changes.map((d) => Math.max(d, 0)), n);
  const l = wilder(changes.map((d) => Math.max(-d, 0)), n);
  return [undefined, ...g.map((gain, i) => (gain === undefined ? undefined : l[i] === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / l[i]!)))];
}

export function naiveBollinger(closes: readonly number[], n: number, k: number): ({ middle: number; upper: number; lower: number } | undefined)[] {
  return closes.map((_, t) => {
    if (t + 1 < n) return undefined;
    const w = closes.slice(t + 1 - n, t + 1);
    const mean = w.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(w.reduce((a, x) => a + (x - mean) ** 2, 0) / n);
    return { middle: mean, upper: mean + k * sd, lower: mean - k * sd };
  });
}

export function naiveTrueRanges(cs: readonly Candle[]): number[] {
  return cs.map((c, i) => (i === 0 ? c.high - c.low : Math.max(c.high - c.low, Math.abs(c.high - cs[i - 1]!.close), Math.abs(c.low - cs[i - 1]!.close))));
}

export function naiveAtr(cs: readonly Candle[], n: number): Series {
  return wilder(naiveTrueRanges(cs), n);
}

export function naiveStochastic(cs: readonly Candle[], kp: number, ks: number, dp: number): ({ k: number; d: number } | undefined)[] {
  const raw: Series = cs.map((c, t) => {
    if (t + 1 < kp) return undefined;
    const w = cs.slice(t + 1 - kp, t + 1);
    const hh = Math.max(...w.map((x) => x.high));
    const ll = Math.min(...w.map((x) => x.low));
    return hh === ll ? 50 : (100 * (c.close - ll)) / (hh - ll);
  });
  const k: Series = raw.map((_, t) => (t < kp - 1 + ks - 1 ? undefined : raw.slice(t + 1 - ks, t + 1).reduce<number>((a, b) => a + b!, 0) / ks));
  return k.map((kv, t) => (t < kp - 1 + ks - 1 + dp - 1 ? undefined : { k: kv!, d: k.slice(t + 1 - dp, t + 1).reduce<number>((a, b) => a + b!, 0) / dp }));
}

export function naiveObv(cs: readonly Candle[]): number[] {
  return cs.map((_, t) => {
    let v = 0;
    for (let i = 1; i <= t; i++) v += cs[i]!.close > cs[i - 1]!.close ? cs[i]!.volume : cs[i]!.close < cs[i - 1]!.close ? -cs[i]!.volume : 0;
    return v;
  });
}

export function naiveVwap(cs: readonly Candle[]): number[] {
  return cs.map((_, t) => {
    let pv = 0;
    let v = 0;
    for (let i = 0; i <= t; i++) {
      pv += ((cs[i]!.high + cs[i]!.low + cs[i]!.close) / 3) * cs[i]!.volume;
      v += cs[i]!.volume;
    }
    return pv / v;
  });
}

/** Wilder's ADX from its textbook definition, recomputed over the whole series. */
export function naiveAdx(cs: readonly Candle[], n: number): ({ adx: number | undefined; plusDi: number; minusDi: number } | undefined)[] {
  const tr = naiveTrueRanges(cs).slice(1);
  const pdm = cs.slice(1).map((c, i) => {
    const up = c.high - cs[i]!.high;
    const down = cs[i]!.low - c.low;
    return up > down && up > 0 ? up : 0;
  });
  const mdm = cs.slice(1).map((c, i) => {
    const up = c.high - cs[i]!.high;
    const down = cs[i]!.low - c.low;
    return down > up && down > 0 ? down : 0;
  });
  const str = wilder(tr, n);
  const sp = wilder(pdm, n);
  const sm = wilder(mdm, n);
  const di = str.map((t, i) => (t === undefined ? undefined : { p: t === 0 ? 0 : (100 * sp[i]!) / t, m: t === 0 ? 0 : (100 * sm[i]!) / t }));
  const dxs = di.filter((d) => d !== undefined).map((d) => (d.p + d.m === 0 ? 0 : (100 * Math.abs(d.p - d.m)) / (d.p + d.m)));
  const adx = wilder(dxs, n);
  const firstDi = di.findIndex((d) => d !== undefined);
  return [undefined, ...di.map((d, i) => (d === undefined ? undefined : { adx: adx[i - firstDi], plusDi: d.p, minusDi: d.m }))];
}
