/** Chart overlays. Display only: these feed pixels, never money. */

/** Simple moving average of `period` closes; the first period-1 points have none. */
export function sma(closes: readonly number[], period: number): Array<number | null> {
  const out: Array<number | null> = [];
  let sum = 0;
  for (let i = 0; i < closes.length; i++) {
    sum += closes[i] as number;
    if (i >= period) sum -= closes[i - period] as number;
    out.push(i >= period - 1 ? sum / period : null);
  }
  return out;
}

/** Percent change from `open` to `last` (display), or null without an open. */
export function changePct(open: string | undefined, last: string | undefined): number | null {
  if (!open || !last) return null;
  const o = Number(open);
  return o > 0 ? ((Number(last) - o) / o) * 100 : null;
}
