/**
 * The order lifecycle as an explicit transition table. Every status change goes through
 * `transition`; an event that is not allowed from the current status is an error, never a
 * silent change (nautilus_trader's habit).
 *
 *   pending_new --accept--> open | pending_trigger (stop orders wait for their trigger)
 *   pending_trigger --trigger--> open
 *   open --partial_fill--> partially_filled --partial_fill--> partially_filled
 *   open | partially_filled --fill--> filled
 *   pending_new --reject--> rejected
 *   pending_new --expire--> expired        (IOC/FOK with nothing to fill)
 *   pending_trigger | open | partially_filled --cancel--> canceled
 *   pending_trigger | open | partially_filled --expire--> expired
 *   pending_trigger | open | partially_filled --amend--> (same status)
 *   pending_new --fill--> filled           (a market order filled at once)
 */
export const ORDER_STATUSES = [
  "pending_new",
  "pending_trigger",
  "open",
  "partially_filled",
  "filled",
  "canceled",
  "rejected",
  "expired",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_EVENTS = ["accept", "accept_stop", "trigger", "partial_fill", "fill", "cancel", "reject", "expire", "amend"] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

const TABLE: Readonly<Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>> = {
  pending_new: { accept: "open", accept_stop: "pending_trigger", fill: "filled", partial_fill: "partially_filled", reject: "rejected", expire: "expired" },
  pending_trigger: { trigger: "open", cancel: "canceled", expire: "expired", amend: "pending_trigger" },
  open: { partial_fill: "partially_filled", fill: "filled", cancel: "canceled", expire: "expired", amend: "open" },
  partially_filled: { partial_fill: "partially_filled", fill: "filled", cancel: "canceled", expire: "expired", amend: "partially_filled" },
  filled: {},
  canceled: {},
  rejected: {},
  expired: {},
};

export class IllegalTransitionError extends Error {
  override readonly name = "IllegalTransitionError";
  constructor(
    readonly from: OrderStatus,
    readonly event: OrderEvent,
  ) {
    super(`an order that is ${from} cannot ${event.replace("_", " ")}`);
  }
}

/** The status after `event`; throws IllegalTransitionError when the table does not allow it. */
export function transition(from: OrderStatus, event: OrderEvent): OrderStatus {
  const to = TABLE[from][event];
  if (!to) throw new IllegalTransitionError(from, event);
  return to;
}

export function canTransition(from: OrderStatus, event: OrderEvent): boolean {
  return TABLE[from][event] !== undefined;
}

/** No further event can change a terminal order. */
export function isTerminal(status: OrderStatus): boolean {
  return Object.keys(TABLE[status]).length === 0;
}

/** Orders that still rest on the book (can fill, be canceled or amended). */
export function isWorking(status: OrderStatus): boolean {
  return status === "open" || status === "partially_filled" || status === "pending_trigger";
}
