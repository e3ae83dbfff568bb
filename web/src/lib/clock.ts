/**
 * One shared wall clock for "how old is this number": a signal that ticks every second, so
 * stale marks appear even when no new data arrives.
 */
import { createSignal, getOwner, onCleanup, type Accessor } from "solid-js";

export function createClock(intervalMs = 1000, now: () => number = Date.now): Accessor<number> {
  const [time, setTime] = createSignal(now());
  const timer = setInterval(() => setTime(now()), intervalMs);
  if (getOwner()) onCleanup(() => clearInterval(timer));
  return time;
}
