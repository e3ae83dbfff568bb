/**
 * The realized equity curve as a small SVG line (wallet after each trade). Money stays exact
 * everywhere else; only the pixel positions here are floats.
 */
import { Show, type JSX } from "solid-js";

export function curvePath(points: ReadonlyArray<{ wallet: string }>, width: number, height: number): string {
  if (points.length < 2) return "";
  const values = points.map((p) => Number(p.wallet));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const step = width / (points.length - 1);
  return values.map((v, i) => `${i === 0 ? "M" : "L"}${(i * step).toFixed(1)},${(height - ((v - lo) / span) * height).toFixed(1)}`).join(" ");
}

export function EquityCurve(props: { points: ReadonlyArray<{ time: number; wallet: string }> }): JSX.Element {
  const W = 600;
  const H = 120;
  return (
    <Show when={props.points.length >= 2} fallback={<p class="muted empty">The curve appears after your first closing trade.</p>}>
      <svg class="equity-curve" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Equity curve over ${props.points.length - 1} trades, from ${props.points[0]?.wallet} to ${props.points.at(-1)?.wallet} USDT`}>
        <path d={curvePath(props.points, W, H)} fill="none" stroke="currentColor" stroke-width="2" vector-effect="non-scaling-stroke" />
      </svg>
    </Show>
  );
}
