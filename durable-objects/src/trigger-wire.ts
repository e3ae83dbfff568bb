/**
 * The trigger book's messages between a SymbolHub (which sees every tick) and a UserAccount
 * (which owns the orders). Amounts travel as decimal strings; `core/triggers.ts` holds the rules.
 *
 * Exactly-once: the hub numbers every fire of a trigger (`fireSeq`) and persists the tick it fired
 * on before calling the account; a retry re-sends the same fire. The account applies a fire only
 * when its order is still working, at the same `version`, and `fireSeq` is newer than the last one
 * it applied — in the same transaction as the fill.
 */
import { fmt, units, type Tick, type TriggerKind, type TriggerSpec } from "@bot-core/core";
import type { Side } from "@bot-core/core";

export interface TriggerWire {
  orderId: string;
  userId: string;
  symbol: string;
  version: number;
  kind: TriggerKind;
  side: Side;
  price: string;
  callbackRatePct?: string;
  extreme?: string;
}

export interface TickWire {
  price: string;
  high: string;
  low: string;
  bid: string;
  ask: string;
  bidQty: string;
  askQty: string;
  time: number;
}

export interface TriggerFire {
  orderId: string;
  version: number;
  fireSeq: number;
  kind: TriggerKind;
  /** The trigger's price when it fired (a trailing stop's current stop). */
  price: string;
  tick: TickWire;
}

export interface FireResult {
  /** The trigger is finished (filled, canceled, expired, or no longer exists): drop it. */
  done: boolean;
  /** The fire did not apply (amended since, or already applied). */
  stale?: boolean;
  /** A stop-limit that triggered becomes this limit trigger. */
  replace?: TriggerWire;
  /** Triggers created by the fill (attached stop, target, trailing stop). */
  register: TriggerWire[];
  /** Orders canceled by the fill (OCO siblings, protective orders of a closed position). */
  cancel: string[];
}

export function specFromWire(w: TriggerWire): TriggerSpec {
  return {
    orderId: w.orderId,
    userId: w.userId,
    symbol: w.symbol,
    version: w.version,
    kind: w.kind,
    side: w.side,
    price: units(w.price),
    ...(w.callbackRatePct !== undefined ? { callbackRatePct: units(w.callbackRatePct) } : {}),
    ...(w.extreme !== undefined ? { extreme: units(w.extreme) } : {}),
  };
}

export function wireFromSpec(s: TriggerSpec): TriggerWire {
  return {
    orderId: s.orderId,
    userId: s.userId,
    symbol: s.symbol,
    version: s.version,
    kind: s.kind,
    side: s.side,
    price: fmt(s.price),
    ...(s.callbackRatePct !== undefined ? { callbackRatePct: fmt(s.callbackRatePct) } : {}),
    ...(s.extreme !== undefined ? { extreme: fmt(s.extreme) } : {}),
  };
}

export function tickFromWire(t: TickWire): Tick {
  return {
    price: units(t.price),
    high: units(t.high),
    low: units(t.low),
    bid: units(t.bid),
    ask: units(t.ask),
    bidQty: units(t.bidQty),
    askQty: units(t.askQty),
    time: t.time,
  };
}

export function wireFromTick(t: Tick): TickWire {
  return {
    price: fmt(t.price),
    high: fmt(t.high),
    low: fmt(t.low),
    bid: fmt(t.bid),
    ask: fmt(t.ask),
    bidQty: fmt(t.bidQty),
    askQty: fmt(t.askQty),
    time: t.time,
  };
}
