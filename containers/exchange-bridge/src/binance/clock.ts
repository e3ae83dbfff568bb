/**
 * A clock synced to the exchange's: `timestamp` of signed requests comes from here, so a local
 * clock that drifts does not get requests rejected (-1021).
 *
 * The offset is measured NTP-style: server time minus the midpoint of the local send and receive
 * times, which cancels a symmetric network delay. `now()` is the local clock plus that offset.
 *
 * @example
 * const clock = new ServerClock({ fetchServerTime: () => rest.serverTime() });
 * await clock.sync();
 * clock.now(); // epoch ms on the exchange's clock
 */

export interface ServerClockOptions {
  /** Resolves to the exchange's epoch ms (`GET /api/v3/time`). */
  readonly fetchServerTime: () => Promise<number>;
  /** Local epoch ms (default `Date.now`). */
  readonly localNow?: () => number;
  /** Re-sync when the last sync is older than this (default 10 min). */
  readonly maxAgeMs?: number;
}

export class ServerClock {
  readonly #fetch: () => Promise<number>;
  readonly #local: () => number;
  readonly #maxAgeMs: number;
  #offset = 0;
  #syncedAt: number | undefined;
  #roundTripMs = 0;
  #inflight: Promise<void> | undefined;

  constructor(options: ServerClockOptions) {
    this.#fetch = options.fetchServerTime;
    this.#local = options.localNow ?? Date.now;
    this.#maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  }

  /** Exchange time minus local time, ms. */
  get offsetMs(): number {
    return this.#offset;
  }

  get roundTripMs(): number {
    return this.#roundTripMs;
  }

  get synced(): boolean {
    return this.#syncedAt !== undefined;
  }

  now(): number {
    return Math.round(this.#local() + this.#offset);
  }

  /** Measures the offset again; concurrent callers share one request. */
  sync(): Promise<void> {
    return (this.#inflight ??= (async () => {
      try {
        const sent = this.#local();
        const server = await this.#fetch();
        const received = this.#local();
        if (!Number.isFinite(server) || server <= 0) throw new TypeError("server time is not a positive number");
        this.#roundTripMs = Math.max(0, received - sent);
        this.#offset = server - (sent + received) / 2;
        this.#syncedAt = received;
      } finally {
        this.#inflight = undefined;
      }
    })());
  }

  /** Syncs when never synced or the last sync is older than `maxAgeMs`. */
  async ensureFresh(): Promise<void> {
    if (this.#syncedAt === undefined || this.#local() - this.#syncedAt > this.#maxAgeMs) await this.sync();
  }
}
