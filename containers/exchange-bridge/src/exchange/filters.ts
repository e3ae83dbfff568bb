/**
 * The exchange's symbol filters (LOT_SIZE, PRICE_FILTER, MIN_NOTIONAL/NOTIONAL) checked before an
 * order is sent: a refused order still costs request weight, and the paper exchange enforces
 * the same rules.
 */
import { parseDecimal } from "@bot-core/core";
import { InvalidOrderError } from "./errors";
import type { ExchangeSymbolRules, OrderRequest } from "./port";

/**
 * @throws InvalidOrderError naming the first rule broken.
 * @param referencePrice the price to check MIN_NOTIONAL with when the order has none (market orders).
 */
export function checkFilters(req: OrderRequest, rules: ExchangeSymbolRules, referencePrice?: string): void {
  const scale = 18;
  const qty = parseDecimal(req.quantity, scale);
  const step = parseDecimal(rules.stepSize, scale);
  if (qty < parseDecimal(rules.minQty, scale)) throw new InvalidOrderError(`quantity ${req.quantity} is below LOT_SIZE minQty ${rules.minQty}`);
  if (qty > parseDecimal(rules.maxQty, scale)) throw new InvalidOrderError(`quantity ${req.quantity} is above LOT_SIZE maxQty ${rules.maxQty}`);
  if (step > 0n && qty % step !== 0n) throw new InvalidOrderError(`quantity ${req.quantity} is not a multiple of LOT_SIZE stepSize ${rules.stepSize}`);
  if (req.price !== undefined) {
    const tick = parseDecimal(rules.tickSize, scale);
    if (tick > 0n && parseDecimal(req.price, scale) % tick !== 0n) throw new InvalidOrderError(`price ${req.price} is not a multiple of PRICE_FILTER tickSize ${rules.tickSize}`);
  }
  const priced = req.price ?? referencePrice;
  if (priced !== undefined) {
    const notional = (parseDecimal(priced, scale) * qty) / 10n ** BigInt(scale);
    if (notional < parseDecimal(rules.minNotional, scale)) throw new InvalidOrderError(`notional ${priced} x ${req.quantity} is below the minimum ${rules.minNotional}`);
  }
}

