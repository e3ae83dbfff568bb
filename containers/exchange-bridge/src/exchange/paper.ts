/**
 * The paper adapter of the exchange port: a simulated venue over any `MarketSource` (the
 * built-in simulator by default), so everything that talks to the port can run without Binance.
 *
 * - Quotes come from the source's tickers. A market order fills at once at the ask (buy) or bid
 *   (sell); a limit order rests and fills at its limit price once the opposite side crosses it.
 * - Balances are exact (bigint 1e-8 units): a buy needs quote asset, a sell base asset; resting
 *   orders lock what they may spend.
 * - The symbol rules are core's `SYMBOL_RULES`, enforced with the same filter check as Binance.
 * - Placement is idempotent by `clientOrderId`: the same id returns the existing order.
 *
 * @example
 * const paper = new PaperExchange({ source: simulatorSource, balances: { USDT: "10000" } });
 * await paper.start();
 * await paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.01", clientOrderId: "p-1" });
 */
import { fmt, mul, SYMBOL_RULES, units, type SymbolRules, type Units } from "@bot-core/core";
import type { MarketSource } from "../market-source";
import { ExchangeUnavailableError, InvalidOrderError, VenueRejectedError } from "./errors";
import { checkFilters } from "./filters";
import {
  OrderRequest,
  type AccountEvent,
  type AccountEventListener,
  type Balance,
  type ExchangeOrder,
  type ExchangePort,
  type ExchangeSymbolRules,
  type OrderRef,
  type OrderStatus,
} from "./port";

interface Quote {
  bid: Units;
  ask: Units;
  time: number;
}

interface PaperOrder {
  readonly symbol: string;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly side: "BUY" | "SELL";
  readonly type: "MARKET" | "LIMIT";
  readonly price: Units;
  readonly quantity: Units;
  executed: Units;
  quote: Units;
  status: OrderStatus;
  updateTime: number;
  /** What the order still holds locked (quote asset for a buy, base for a sell). */
  locked: Units;
}

export interface PaperExchangeOptions {
  readonly source: Pick<MarketSource, "onUpdate">;
  /** Starting balances, e.g. `{ USDT: "10000" }`. */
  readonly balances?: Readonly<Record<string, string>>;
  readonly rules?: readonly SymbolRules[];
  readonly now?: () => number;
  /** A quote older than this cannot fill a market order (default 10 s). */
  readonly maxQuoteAgeMs?: number;
}

export class PaperExchange implements ExchangePort {
  readonly venue = "paper";
  readonly #source: Pick<MarketSource, "onUpdate">;
  readonly #rules: ReadonlyMap<string, ExchangeSymbolRules>;
  readonly #now: () => number;
  readonly #maxQuoteAgeMs: number;
  readonly #quotes = new Map<string, Quote>();
  readonly #orders = new Map<string, PaperOrder>();
  readonly #byClientId = new Map<string, PaperOrder>();
  readonly #free = new Map<string, Units>();
  readonly #locked = new Map<string, Units>();
  readonly #listeners = new Set<AccountEventListener>();
  #unsubscribe: (() => void) | undefined;
  #nextId = 1;

  constructor(options: PaperExchangeOptions) {
    this.#source = options.source;
    this.#rules = new Map((options.rules ?? SYMBOL_RULES).map((r) => [r.symbol, r]));
    this.#now = options.now ?? Date.now;
    this.#maxQuoteAgeMs = options.maxQuoteAgeMs ?? 10_000;
    for (const [asset, amount] of Object.entries(options.balances ?? { USDT: "10000" })) this.#free.set(asset, units(amount));
  }

  async start(): Promise<void> {
    this.#unsubscribe ??= this.#source.onUpdate((u) => {
      if (u.kind !== "ticker") return;
      this.#quotes.set(u.symbol, { bid: units(u.bid), ask: units(u.ask), time: u.eventTime });
      this.#matchResting(u.symbol);
    });
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  onAccountEvent(listener: AccountEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async symbolRules(): Promise<ReadonlyMap<string, ExchangeSymbolRules>> {
    return this.#rules;
  }

  async placeOrder(input: OrderRequest): Promise<ExchangeOrder> {
    const parsed = OrderRequest.safeParse(input);
    if (!parsed.success) throw new InvalidOrderError(parsed.error.issues.map((i) => `${i.path.join(".") || "order"}: ${i.message}`).join("; "));
    const req = parsed.data;
    const existing = this.#byClientId.get(req.clientOrderId);
    if (existing) return view(existing);
    const rules = this.#rules.get(req.symbol);
    if (!rules) throw new InvalidOrderError(`${req.symbol} is not traded on ${this.venue}`);
    const quote = this.#quotes.get(req.symbol);
    if (req.type === "MARKET" && (!quote || this.#now() - quote.time > this.#maxQuoteAgeMs)) {
      throw new ExchangeUnavailableError(`no fresh quote for ${req.symbol}`, 1_000);
    }
    checkFilters(req, rules, req.type === "MARKET" ? fmt(req.side === "BUY" ? quote!.ask : quote!.bid) : undefined);

    const qty = units(req.quantity);
    const price = req.type === "LIMIT" ? units(req.price!) : req.side === "BUY" ? quote!.ask : quote!.bid;
    // A buy locks its worst-case cost in the quote asset; a sell locks its base quantity.
    const lockAsset = req.side === "BUY" ? rules.quoteAsset : rules.baseAsset;
    const lockAmount = req.side === "BUY" ? mul(price, qty, "up") : qty;
    if ((this.#free.get(lockAsset) ?? 0n) < lockAmount) throw new VenueRejectedError(400, -2010, "Account has insufficient balance for requested action.");
    this.#move(lockAsset, -lockAmount, lockAmount);

    const order: PaperOrder = {
      symbol: req.symbol,
      orderId: String(this.#nextId++),
      clientOrderId: req.clientOrderId,
      side: req.side,
      type: req.type,
      price: req.type === "LIMIT" ? price : 0n,
      quantity: qty,
      executed: 0n,
      quote: 0n,
      status: "NEW",
      updateTime: this.#now(),
      locked: lockAmount,
    };
    this.#orders.set(order.orderId, order);
    this.#byClientId.set(order.clientOrderId, order);
    this.#emit({ kind: "order", order: view(order), executionType: "NEW", eventTime: order.updateTime });
    if (req.type === "MARKET") this.#fill(order, qty, price);
    else this.#matchResting(req.symbol);
    return view(order);
  }

  async cancelOrder(ref: OrderRef): Promise<ExchangeOrder> {
    const order = this.#find(ref);
    if (!order || (order.status !== "NEW" && order.status !== "PARTIALLY_FILLED")) throw new VenueRejectedError(400, -2011, "Unknown order sent.");
    const rules = this.#rules.get(order.symbol)!;
    this.#move(order.side === "BUY" ? rules.quoteAsset : rules.baseAsset, order.locked, -order.locked);
    order.locked = 0n;
    order.status = "CANCELED";
    order.updateTime = this.#now();
    this.#emit({ kind: "order", order: view(order), executionType: "CANCELED", eventTime: order.updateTime });
    this.#emitBalances([rules.baseAsset, rules.quoteAsset]);
    return view(order);
  }

  async queryOrder(ref: OrderRef): Promise<ExchangeOrder | undefined> {
    const order = this.#find(ref);
    return order && view(order);
  }

  async openOrders(symbol?: string): Promise<ExchangeOrder[]> {
    return [...this.#orders.values()].filter((o) => (o.status === "NEW" || o.status === "PARTIALLY_FILLED") && (!symbol || o.symbol === symbol)).map(view);
  }

  async balances(): Promise<Balance[]> {
    const assets = new Set([...this.#free.keys(), ...this.#locked.keys()]);
    return [...assets].sort().map((asset) => ({ asset, free: fmt(this.#free.get(asset) ?? 0n), locked: fmt(this.#locked.get(asset) ?? 0n) }));
  }

  #find(ref: OrderRef): PaperOrder | undefined {
    const order = "orderId" in ref ? this.#orders.get(ref.orderId) : this.#byClientId.get(ref.clientOrderId);
    return order && order.symbol === ref.symbol ? order : undefined;
  }

  #matchResting(symbol: string): void {
    const quote = this.#quotes.get(symbol);
    if (!quote) return;
    for (const order of this.#orders.values()) {
      if (order.symbol !== symbol || order.type !== "LIMIT" || (order.status !== "NEW" && order.status !== "PARTIALLY_FILLED")) continue;
      const crosses = order.side === "BUY" ? quote.ask <= order.price : quote.bid >= order.price;
      if (crosses) this.#fill(order, order.quantity - order.executed, order.price);
    }
  }

  #fill(order: PaperOrder, qty: Units, price: Units): void {
    const rules = this.#rules.get(order.symbol)!;
    const cost = mul(price, qty, order.side === "BUY" ? "up" : "down");
    if (order.side === "BUY") {
      // Spend from the lock; anything locked beyond the real cost goes back when the order is done.
      this.#move(rules.quoteAsset, 0n, -cost);
      order.locked -= cost;
      this.#move(rules.baseAsset, qty, 0n);
    } else {
      this.#move(rules.baseAsset, 0n, -qty);
      order.locked -= qty;
      this.#move(rules.quoteAsset, cost, 0n);
    }
    order.executed += qty;
    order.quote += cost;
    order.status = order.executed === order.quantity ? "FILLED" : "PARTIALLY_FILLED";
    order.updateTime = this.#now();
    if (order.status === "FILLED" && order.locked !== 0n) {
      const asset = order.side === "BUY" ? rules.quoteAsset : rules.baseAsset;
      this.#move(asset, order.locked, -order.locked);
      order.locked = 0n;
    }
    this.#emit({
      kind: "order",
      order: view(order),
      executionType: "TRADE",
      fill: { tradeId: `${order.orderId}-${order.updateTime}-${fmt(order.executed)}`, price: fmt(price), quantity: fmt(qty), commission: "0", commissionAsset: null },
      eventTime: order.updateTime,
    });
    this.#emitBalances([rules.baseAsset, rules.quoteAsset]);
  }

  #move(asset: string, freeDelta: Units, lockedDelta: Units): void {
    this.#free.set(asset, (this.#free.get(asset) ?? 0n) + freeDelta);
    this.#locked.set(asset, (this.#locked.get(asset) ?? 0n) + lockedDelta);
  }

  #emitBalances(assets: string[]): void {
    this.#emit({
      kind: "balances",
      balances: assets.map((asset) => ({ asset, free: fmt(this.#free.get(asset) ?? 0n), locked: fmt(this.#locked.get(asset) ?? 0n) })),
      eventTime: this.#now(),
    });
  }

  #emit(event: AccountEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A broken listener must not break matching.
      }
    }
  }
}

function view(o: PaperOrder): ExchangeOrder {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    side: o.side,
    type: o.type,
    status: o.status,
    price: fmt(o.price),
    quantity: fmt(o.quantity),
    executedQty: fmt(o.executed),
    cumulativeQuoteQty: fmt(o.quote),
    updateTime: o.updateTime,
  };
}
