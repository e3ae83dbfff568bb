/**
 * A bounded priority queue: a user's request before a batch item before background work, first
 * in first out within a priority. `push` refuses (returns false) when `capacity` items wait:
 * the caller turns that into "overloaded" instead of queueing without bound.
 *
 * @example
 * const q = new PriorityQueue<Job>(100);
 * if (!q.push(job, "user")) throw new OverloadedError(retryAfterSec);
 * const next = q.shift(); // highest priority, oldest first
 */
export const PRIORITIES = ["user", "batch", "background"] as const;
export type Priority = (typeof PRIORITIES)[number];

export class PriorityQueue<T> {
  readonly #lanes: T[][] = PRIORITIES.map(() => []);
  readonly #heads: number[] = PRIORITIES.map(() => 0);
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a whole number >= 1");
  }

  get size(): number {
    return this.#size;
  }

  get full(): boolean {
    return this.#size >= this.capacity;
  }

  push(item: T, priority: Priority): boolean {
    if (this.full) return false;
    this.#lanes[PRIORITIES.indexOf(priority)]!.push(item);
    this.#size++;
    return true;
  }

  shift(): T | undefined {
    for (let p = 0; p < PRIORITIES.length; p++) {
      const lane = this.#lanes[p]!;
      const head = this.#heads[p]!;
      if (head < lane.length) {
        const item = lane[head]!;
        // Compact now and then instead of Array.shift() on every take (O(1) amortized).
        if (head + 1 >= 64 && head + 1 >= lane.length / 2) {
          lane.splice(0, head + 1);
          this.#heads[p] = 0;
        } else this.#heads[p] = head + 1;
        this.#size--;
        return item;
      }
    }
    return undefined;
  }

  /** Removes one item (a waiter that gave up); true when it was queued. */
  remove(item: T): boolean {
    for (let p = 0; p < PRIORITIES.length; p++) {
      const lane = this.#lanes[p]!;
      const i = lane.indexOf(item, this.#heads[p]);
      if (i >= 0) {
        lane.splice(i, 1);
        this.#size--;
        return true;
      }
    }
    return false;
  }
}
