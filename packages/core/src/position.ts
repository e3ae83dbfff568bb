/**
 * Positions, USDT-margined and futures-style (one-way mode: a signed quantity, long > 0, short < 0).
 *
 * The position keeps its exact cost basis (`cost` = Σ quantity x fill price of what is still
 * open, signed like the quantity), not a rounded entry price. Reducing a position removes a
 * proportional share of the cost, rounded once, and subtracts exactly what was removed, so over
 * any sequence of fills realized PnL adds up, to the unit, to the cash that actually moved.
 */
import { abs, mul, mulDiv, sign, type Units } from "./money";

export type Side = "buy" | "sell";

export interface Position {
  symbol: string;
  /** Signed quantity in units: long > 0, short < 0. */
  qty: Units;
  /** Signed cost basis in USDT units: Σ qty x price of the open part (same sign as qty). */
  cost: Units;
}

export interface Fill {
  side: Side;
  /** Positive quantity in units. */
  qty: Units;
  price: Units;
}

export interface FillEffect {
  position: Position;
  /** PnL realized by the reducing part of the fill (USDT units). */
  realizedPnl: Units;
  /** Quantity that closed existing exposure, and quantity that opened new exposure. */
  closedQty: Units;
  openedQty: Units;
}

/** Signed notional of a fill: what buying (+) or selling (-) `qty` at `price` costs. */
export function fillNotional(fill: Fill): Units {
  const n = mul(fill.qty, fill.price, "half-even");
  return fill.side === "buy" ? n : -n;
}

export function emptyPosition(symbol: string): Position {
  return { symbol, qty: 0n, cost: 0n };
}

/** Applies one fill to a position. Pure; throws on a non-positive quantity. */
export function applyFill(position: Position, fill: Fill): FillEffect {
  if (fill.qty <= 0n) throw new RangeError("fill quantity must be positive");
  if (fill.price <= 0n) throw new RangeError("fill price must be positive");
  const delta = fill.side === "buy" ? fill.qty : -fill.qty;
  const { qty, cost } = position;

  // Opening or adding in the same direction.
  if (qty === 0n || sign(qty) === sign(delta)) {
    return { position: { ...position, qty: qty + delta, cost: cost + fillNotional(fill) }, realizedPnl: 0n, closedQty: 0n, openedQty: fill.qty };
  }

  // Reducing, closing or flipping.
  const closedQty = abs(delta) < abs(qty) ? abs(delta) : abs(qty);
  const removedCost = closedQty === abs(qty) ? cost : mulDiv(cost, closedQty, abs(qty), "half-even");
  const closingFill: Fill = { ...fill, qty: closedQty };
  // Long closed by a sell: proceeds - cost. Short closed by a buy: cost (negative) ... both are
  // "-(notional of the closing fill) - removed cost" with signed notionals.
  const realizedPnl = -fillNotional(closingFill) - removedCost;
  let next: Position = { ...position, qty: qty + (fill.side === "buy" ? closedQty : -closedQty), cost: cost - removedCost };

  const openedQty = fill.qty - closedQty;
  if (openedQty > 0n) {
    // The opening part's cost is what the whole fill moved minus the closing part: rounding the
    // two parts separately could create or lose a unit.
    const openingCost = fillNotional(fill) - fillNotional(closingFill);
    next = { ...next, qty: next.qty + (fill.side === "buy" ? openedQty : -openedQty), cost: next.cost + openingCost };
  }
  return { position: next, realizedPnl, closedQty, openedQty };
}

/** Average entry price of the open quantity (display only; the cost basis is what counts). */
export function entryPrice(position: Position): Units {
  return position.qty === 0n ? 0n : mulDiv(abs(position.cost), 10n ** 8n, abs(position.qty), "half-even");
}

/** Unrealized PnL at a mark price: value at mark minus cost basis. */
export function unrealizedPnl(position: Position, mark: Units): Units {
  return mul(position.qty, mark, "half-even") - position.cost;
}

/** Initial margin held for a position at a leverage (rounded up: never under-reserve). */
export function marginFor(position: Position, leverage: number): Units {
  if (!Number.isInteger(leverage) || leverage < 1) throw new RangeError("leverage must be a positive integer");
  return mulDiv(abs(position.cost), 1n, BigInt(leverage), "up");
}
