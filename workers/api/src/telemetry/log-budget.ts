/**
 * A per-isolate budget for one kind of log line. A burst (a reconnect storm, a stalled
 * dependency) would otherwise write one line per request: the runtime pays for each line, the
 * log pipeline pays again, and the operator reads a wall of identical lines. The budget lets
 * `perWindow` lines through per `windowMs`, counts the rest, and reports that count on the
 * next line it lets through. Metrics still see every request.
 */
export class LogBudget {
  #windowStart = Number.NEGATIVE_INFINITY;
  #used = 0;
  #suppressed = 0;

  constructor(
    readonly perWindow: number,
    readonly windowMs: number,
  ) {
    if (!(perWindow >= 1) || !(windowMs > 0)) throw new RangeError("a log budget needs perWindow >= 1 and windowMs > 0");
  }

  /**
   * Asks to write one line at `now` (ms). Returns null when the line must be dropped, otherwise
   * how many lines were dropped since the last one let through (0 when none).
   */
  take(now: number): number | null {
    if (now - this.#windowStart >= this.windowMs) {
      this.#windowStart = now;
      this.#used = 0;
    }
    if (this.#used >= this.perWindow) {
      this.#suppressed++;
      return null;
    }
    this.#used++;
    const dropped = this.#suppressed;
    this.#suppressed = 0;
    return dropped;
  }
}
