/**
 * The port every market data source sits behind: the built-in simulator today, a Binance
 * adapter or a recorded-session replay later. The rest of the bridge (edge link, /health) only
 * sees this interface.
 */
import type { BridgeFrame, MarketUpdate } from "@bot-core/core";
import type { Logger } from "./log";

/** What the bridge announces in its hello frame. */
export type MarketSourceKind = Extract<BridgeFrame, { type: "hello" }>["source"];

export type UpdateListener = (update: MarketUpdate) => void;

export interface MarketSource {
  readonly kind: MarketSourceKind;
  /** Symbols this source publishes, in display order. */
  readonly symbols: readonly string[];
  /**
   * Registers a listener for every normalized update, in the order the source produced them.
   * Returns a function that removes the listener.
   */
  onUpdate(listener: UpdateListener): () => void;
  /** Starts producing updates. Resolves once the source is running. */
  start(): Promise<void>;
  /** Stops producing updates; no listener is called after it resolves. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Listener bookkeeping for sources: a throwing listener is logged and does not stop the others
 * or the source.
 *
 * @example
 * const emitter = new UpdateEmitter(log);
 * const off = emitter.add((u) => link.push(u));
 * emitter.emit(update);
 */
export class UpdateEmitter {
  readonly #listeners = new Set<UpdateListener>();
  #failures = 0;

  constructor(private readonly log: Logger) {}

  add(listener: UpdateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  /** Number of listener calls that threw. */
  get failures(): number {
    return this.#failures;
  }

  emit(update: MarketUpdate): void {
    for (const listener of this.#listeners) {
      try {
        listener(update);
      } catch (err) {
        // Log the first failure and then every 1000th, so a persistently broken listener
        // cannot flood the log at the simulator's update rate.
        if (this.#failures++ % 1000 === 0) {
          this.log.error("market update listener failed", { err, failures: this.#failures, symbol: update.symbol });
        }
      }
    }
  }
}
