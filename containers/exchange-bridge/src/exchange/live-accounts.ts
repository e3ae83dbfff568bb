/**
 * One exchange connection per (user, venue) with that user's decrypted keys: the Binance adapter
 * (signed REST with the unknown-outcome discipline, plus the user data stream whose order updates
 * and fills are forwarded to the edge). Created on a user's first live order, dropped when the
 * user's keys change. Venue rules (exchangeInfo) come from one keyless connection per venue.
 *
 * @example
 * const accounts = new LiveAccounts({ keyring, binance: config.binance, reporter, log });
 * const exchange = await accounts.exchangeFor("user-1", "binance-spot");
 */
import { SYMBOL_RULES } from "@bot-core/core";
import { createBinanceExchange, type BinanceExchange } from "../binance/exchange";
import type { BinanceConfig } from "../binance/config";
import type { Logger } from "../log";
import type { ExecutionReporter } from "./execution-reports";
import { reportOfEvent } from "./execution-reports";
import type { ApiKeyring } from "./keystore";
import type { ExchangeSymbolRules } from "./port";
import type { LiveVenue } from "./venues";

export class NoKeysError extends Error {
  override readonly name = "NoKeysError";
  constructor(readonly venue: string) {
    super(`no API keys are stored for ${venue}`);
  }
}

export interface LiveAccountsOptions {
  readonly keyring: ApiKeyring;
  readonly binance: Pick<BinanceConfig, "spot" | "futures" | "recvWindow">;
  readonly reporter: ExecutionReporter;
  readonly log: Logger;
  readonly orderTimeoutMs?: number;
}

export class LiveAccounts {
  readonly #o: LiveAccountsOptions;
  readonly #exchanges = new Map<string, Promise<BinanceExchange>>();
  readonly #public = new Map<string, BinanceExchange>();

  constructor(options: LiveAccountsOptions) {
    this.#o = options;
  }

  #urls(venue: LiveVenue) {
    return venue === "binance-spot" ? { market: "spot" as const, ...this.#o.binance.spot } : { market: "usdm" as const, ...this.#o.binance.futures };
  }

  /** The user's started connection to `venue`; NoKeysError when the user stored none. */
  exchangeFor(userId: string, venue: LiveVenue): Promise<BinanceExchange> {
    const key = `${venue}\u0000${userId}`;
    let entry = this.#exchanges.get(key);
    if (!entry) {
      entry = (async () => {
        const credentials = await this.#o.keyring.get({ userId, venue });
        if (!credentials) throw new NoKeysError(venue);
        const u = this.#urls(venue);
        const exchange = createBinanceExchange({
          market: u.market,
          restUrl: u.restUrl,
          wsUrl: u.wsUrl,
          credentials,
          recvWindow: this.#o.binance.recvWindow,
          log: this.#o.log.child({ userId, venue }),
          ...(this.#o.orderTimeoutMs ? { orderTimeoutMs: this.#o.orderTimeoutMs } : {}),
        });
        exchange.onAccountEvent((event) => {
          if (event.kind === "order") this.#o.reporter.push(reportOfEvent(userId, venue, event));
        });
        await exchange.start();
        return exchange;
      })();
      this.#exchanges.set(key, entry);
      entry.catch(() => this.#exchanges.delete(key));
    }
    return entry;
  }

  /** Drops a user's connection (their keys changed or were deleted). */
  async forget(userId: string, venue: string): Promise<void> {
    const key = `${venue}\u0000${userId}`;
    const entry = this.#exchanges.get(key);
    this.#exchanges.delete(key);
    await entry?.then((e) => e.stop()).catch(() => undefined);
  }

  /** The venue's symbol rules (exchangeInfo, cached for an hour by the adapter); core's table for paper. */
  async rules(venue: LiveVenue | "paper"): Promise<ReadonlyMap<string, ExchangeSymbolRules>> {
    if (venue === "paper") return new Map(SYMBOL_RULES.map((r) => [r.symbol, r]));
    let exchange = this.#public.get(venue);
    if (!exchange) {
      const u = this.#urls(venue);
      exchange = createBinanceExchange({ market: u.market, restUrl: u.restUrl, recvWindow: this.#o.binance.recvWindow, log: this.#o.log.child({ venue }) });
      this.#public.set(venue, exchange);
    }
    return exchange.symbolRules();
  }

  async close(): Promise<void> {
    const all = [...this.#exchanges.values()];
    this.#exchanges.clear();
    await Promise.all(all.map((p) => p.then((e) => e.stop()).catch(() => undefined)));
  }
}
