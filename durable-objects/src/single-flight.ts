/**
 * One run of a background task at a time (an outbox drain, a push of private events, a sync to
 * the symbol hubs): `run` starts the task unless a run is in progress, and then returns that run.
 *
 * The slot is cleared when the run settles, in a later microtask. The hand-written form
 * `slot ??= (async () => { try { … } finally { slot = undefined } })()` is wrong for a run that
 * ends without awaiting anything (nothing to drain, nothing to push): its `finally` runs before
 * the assignment, so the slot keeps a settled promise forever and no run ever starts again.
 *
 * @example
 * private readonly drains = new SingleFlight();
 * drainOutbox(): Promise<void> { return this.drains.run(() => this.drainOnce()); }
 */
export class SingleFlight {
  #current: Promise<void> | undefined;

  /** The run in progress, if any. */
  get current(): Promise<void> | undefined {
    return this.#current;
  }

  run(task: () => Promise<void>): Promise<void> {
    if (this.#current) return this.#current;
    const run: Promise<void> = task().finally(() => {
      if (this.#current === run) this.#current = undefined;
    });
    this.#current = run;
    return run;
  }
}
