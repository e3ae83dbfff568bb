/**
 * Overload control of a gateway shard's market-data window.
 *
 * The budget of a shard is frames, not bytes (about 20,000 `ws.send` per second on a local
 * workerd thread): a wider window means fewer, fuller frames. The window follows two signals:
 * - the shard's own queueing: how late its flush timers run (an overloaded thread runs them late);
 * - the lag between the bridge's stamp and the shard seeing an update, when it grows far beyond
 *   the window (the feed itself falls behind).
 * Timers later than an eighth of the window (at least 5 ms), or a lag over four windows: the
 * window grows by a quarter (up to `maxMs`). Timers within a sixteenth of the window (at least
 * 1.5 ms) and a lag under two windows: it shrinks by 15%, back to the configured window.
 *
 * Why these numbers: a busy symbol's delivered update is the latest of its window, so a wider
 * window costs delivered updates, not freshness; what costs freshness is queueing on the thread.
 * The control therefore keeps queueing small and lets the window (and the frames/s) follow.
 * Small steps settle near the narrowest window the thread can serve; the earlier doubling
 * jumped between 40 and 80 ms and tolerated a lag of four windows, which is where the tail
 * latency went (p99 139 ms at 204k updates/s; see docs/decisions.md).
 */
export class WindowControl {
  private window: number;
  private lagEwma = 0;
  private latenessEwma = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {
    this.window = baseMs;
  }

  /** The window in force, ms. */
  get windowMs(): number {
    return Math.round(this.window);
  }

  /** The smoothed bridge-to-shard lag, ms. */
  get lagMs(): number {
    return this.lagEwma;
  }

  /** A batch arrived `lagMs` after the bridge stamped its oldest update. */
  observeLag(lagMs: number): void {
    this.lagEwma = this.lagEwma * 0.8 + Math.max(0, lagMs) * 0.2;
    this.adjust();
  }

  /** A flush timer ran `ms` after it was due. */
  observeLateness(ms: number): void {
    this.latenessEwma = this.latenessEwma * 0.8 + Math.max(0, ms) * 0.2;
    this.adjust();
  }

  private adjust(): void {
    const overloaded = this.latenessEwma > Math.max(5, this.window / 8) || this.lagEwma > 4 * this.window;
    if (overloaded) {
      this.window = Math.min(this.maxMs, this.window * 1.25);
    } else if (this.latenessEwma < Math.max(1.5, this.window / 16) && this.lagEwma < 2 * this.window) {
      this.window = Math.max(this.baseMs, this.window * 0.85);
    }
  }
}
