/**
 * Number formatting shared by the markdown, the console table and the charts. Deterministic
 * (no locale): the same number always prints the same way.
 */

/**
 * About three significant figures: 0.31, 4.20, 12.5, 340. "n/a" for NaN/negative, "∞" for
 * Infinity.
 */
export function formatNumber(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return "∞";
  if (!Number.isFinite(v) || v < 0) return "n/a";
  if (v === 0) return "0";
  if (v >= 100) return groupThousands(v.toFixed(0));
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** A count or rate with thousands separators: 21,300; one decimal below 100 (12.5). */
export function formatRate(v: number): string {
  if (!Number.isFinite(v) || v < 0) return "n/a";
  return v >= 100 || Number.isInteger(v) ? groupThousands(v.toFixed(0)) : v.toFixed(1);
}

/** Compact axis label: 0.5, 12, 950, 1.2k, 21k, 3.4M. */
export function formatCompact(v: number): string {
  if (!Number.isFinite(v)) return "n/a";
  const trim = (s: string) => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${trim((v / 1e6).toFixed(1))}M`;
  if (abs >= 1e3) return `${trim((v / 1e3).toFixed(1))}k`;
  if (abs >= 1 || abs === 0) return trim(v.toFixed(2));
  return trim(v.toPrecision(2));
}

/** A regression factor: "2.50×", "∞", or "—" when there is none. */
export function formatFactor(v: number | undefined): string {
  if (v === undefined) return "—";
  const s = formatNumber(v);
  return s === "∞" || s === "n/a" ? s : `${s}×`;
}

function groupThousands(digits: string): string {
  const [int = "", frac] = digits.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}
