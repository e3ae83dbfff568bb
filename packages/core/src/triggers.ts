/**
 * The trigger book's rules, pure: when a resting order or an armed stop is crossed by the market,
 * and at what price and quantity it fills. The symbol's hub decides *when* to fire (it sees every
 * tick); the user's account applies the fill with these same functions, so a retried fire with the
 * same tick always produces the same fill.
 *
 * Fill prices (paper trading, no better than the market could have given):
 * - a resting limit order fills at its limit price, up to the quantity the book shows;
 * - a triggered market order (stop, take-profit, trailing stop) fills at the best bid/ask when the
 *   book is still across the trigger, otherwise at the trigger price (the market crossed it inside
 *   the tick window — a wick — and came back).
 * A tick carries the window's high/low of the last price, so a wick inside a conflation window
 * still fires the stops it crossed.
 */
import { mulDiv, type Units } from "./money";
import type { Side } from "./position";

export type TriggerKind = "limit" | "stop" | "take_profit" | "trailing_stop";

/** One entry of a symbol's trigger book. */
export interface TriggerSpec {
  /** The order's id: one trigger per order. */
  orderId: string;
  userId: string;
  symbol: string;
  /** Bumped by every amend; a fire carries the version it saw. */
  version: number;
  kind: TriggerKind;
  side: Side;
  /** Limit price (limit), trigger price (stop, take_profit), or the current trailing stop. */
  price: Units;
  /** Trailing stops: percent of the extreme, in units (1% = units("1")). */
  callbackRatePct?: Units;
  /** Trailing stops: best price since armed (highest for a sell, lowest for a buy). */
  extreme?: Units;
}

/** What the hub saw: the last quote plus the range of traded prices since the previous tick. */
export interface Tick {
  price: Units;
  high: Units;
  low: Units;
  bid: Units;
  ask: Units;
  bidQty: Units;
  askQty: Units;
  time: number;
}

/** A sell trailing stop sits below the highest price, a buy trailing stop above the lowest. */
export function trailingStopPrice(side: Side, extreme: Units, callbackRatePct: Units): Units {
  const hundred = 100n * 10n ** 8n;
  return side === "sell"
    ? mulDiv(extreme, hundred - callbackRatePct, hundred, "down")
    : mulDiv(extreme, hundred + callbackRatePct, hundred, "up");
}

/**
 * Moves a trailing stop with the market, never back: a sell stop only rises, a buy stop only
 * falls. Returns the same object when nothing moved; other kinds are returned unchanged.
 */
export function trail(spec: TriggerSpec, tick: Tick): TriggerSpec {
  if (spec.kind !== "trailing_stop" || spec.callbackRatePct === undefined) return spec;
  const best = spec.side === "sell" ? tick.high : tick.low;
  if (spec.extreme !== undefined && (spec.side === "sell" ? best <= spec.extreme : best >= spec.extreme)) return spec;
  const candidate = trailingStopPrice(spec.side, best, spec.callbackRatePct);
  const price = spec.side === "sell" ? (candidate > spec.price ? candidate : spec.price) : candidate < spec.price ? candidate : spec.price;
  return { ...spec, extreme: best, price };
}

/**
 * True when the tick crosses the trigger:
 * - limit buy at P: ask <= P or a trade below P; limit sell: bid >= P or a trade above P;
 * - stop / trailing stop: buy when the price reaches P from below, sell when it falls to P;
 * - take-profit: sell when the price reaches P, buy when it falls to P.
 */
export function crosses(spec: Pick<TriggerSpec, "kind" | "side" | "price">, tick: Tick): boolean {
  const p = spec.price;
  switch (spec.kind) {
    case "limit":
      return spec.side === "buy" ? tick.ask <= p || tick.low < p : tick.bid >= p || tick.high > p;
    case "stop":
    case "trailing_stop":
      return spec.side === "buy" ? tick.high >= p : tick.low <= p;
    case "take_profit":
      return spec.side === "sell" ? tick.high >= p : tick.low <= p;
  }
}

/** Fill price of a triggered market order: the book if still across the trigger, else the trigger. */
export function triggeredFillPrice(kind: Exclude<TriggerKind, "limit">, side: Side, trigger: Units, tick: Tick): Units {
  const book = side === "buy" ? tick.ask : tick.bid;
  const stillAcross =
    kind === "take_profit" ? (side === "sell" ? book >= trigger : book <= trigger) : side === "buy" ? book >= trigger : book <= trigger;
  return stillAcross ? book : trigger;
}

/**
 * What a resting limit order can fill this tick: its remaining quantity, capped by what the book
 * shows on the other side (rounded down to `step`), at its limit price. Null when nothing fills.
 */
export function restingLimitFill(side: Side, limit: Units, remaining: Units, tick: Tick, step: Units): { qty: Units; price: Units } | null {
  if (!crosses({ kind: "limit", side, price: limit }, tick)) return null;
  const shown = side === "buy" ? tick.askQty : tick.bidQty;
  const capped = shown < remaining ? (shown / step) * step : remaining;
  return capped > 0n ? { qty: capped, price: limit } : null;
}

/**
 * A new limit order that is marketable on arrival takes liquidity at the best bid/ask (never worse
 * than its limit), up to the shown quantity. Null when it is not marketable.
 */
export function marketableLimitFill(side: Side, limit: Units, quantity: Units, quote: Pick<Tick, "bid" | "ask" | "bidQty" | "askQty">, step: Units): { qty: Units; price: Units } | null {
  const book = side === "buy" ? quote.ask : quote.bid;
  if (side === "buy" ? book > limit : book < limit) return null;
  const shown = side === "buy" ? quote.askQty : quote.bidQty;
  const qty = shown < quantity ? (shown / step) * step : quantity;
  return qty > 0n ? { qty, price: book } : null;
}
