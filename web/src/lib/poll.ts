/**
 * Data refreshed by polling while no push stream carries it, with its age: `updatedAt` is when
 * the value last arrived (by a poll, or pushed through {@link Polled.set} by a stream), and
 * `stale(now)` says when it is older than it should be (more than `staleAfterMs`).
 *
 * A poll that fails keeps the last value (marked stale once it ages) and records the error.
 *
 * @example
 * const account = createPolled(() => trading.account(), { intervalMs: 3000 });
 * account.start();
 * account.value(); account.stale(clock());
 */
import { createSignal, type Accessor } from "solid-js";

export interface Polled<T> {
  readonly value: Accessor<T | undefined>;
  readonly error: Accessor<unknown>;
  readonly updatedAt: Accessor<number | null>;
  readonly loading: Accessor<boolean>;
  stale(now: number): boolean;
  /** Loads now (a second call while one is in flight shares it). */
  refresh(): Promise<void>;
  /** A value from a push stream or an optimistic change. */
  set(value: T | ((prev: T | undefined) => T)): void;
  start(): void;
  stop(): void;
}

export interface PollOptions {
  intervalMs: number;
  /** Default: 2.5 intervals (two missed polls). */
  staleAfterMs?: number;
  now?: () => number;
}

export function createPolled<T>(load: () => Promise<T>, options: PollOptions): Polled<T> {
  const now = options.now ?? Date.now;
  const staleAfter = options.staleAfterMs ?? options.intervalMs * 2.5;
  const [value, setValue] = createSignal<T | undefined>(undefined);
  const [error, setError] = createSignal<unknown>(undefined);
  const [updatedAt, setUpdatedAt] = createSignal<number | null>(null);
  const [loading, setLoading] = createSignal(false);
  let timer: ReturnType<typeof setInterval> | undefined;
  let inFlight: Promise<void> | null = null;
  /** Bumped by `set`: a poll that started before a pushed value must not overwrite it. */
  let version = 0;

  function refresh(): Promise<void> {
    if (inFlight) return inFlight;
    const started = version;
    setLoading(true);
    inFlight = load()
      .then((v) => {
        if (started !== version) return;
        setValue(() => v);
        setUpdatedAt(now());
        setError(undefined);
      })
      .catch((err: unknown) => {
        setError(err);
      })
      .finally(() => {
        inFlight = null;
        setLoading(false);
      });
    return inFlight;
  }

  return {
    value,
    error,
    updatedAt,
    loading,
    stale(at) {
      const t = updatedAt();
      return t !== null && at - t > staleAfter;
    },
    refresh,
    set(v) {
      version++;
      setValue((prev) => (typeof v === "function" ? (v as (p: T | undefined) => T)(prev) : v));
      setUpdatedAt(now());
    },
    start() {
      if (timer !== undefined) return;
      void refresh();
      timer = setInterval(() => void refresh(), options.intervalMs);
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
