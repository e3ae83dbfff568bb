/**
 * Money is conserved in the real UserAccount (on workerd, its own SQLite): over random sequences of
 * market and limit orders, partial fills at random prices, cancels and closes — long and short,
 * several symbols, leverage — the ledger reconciles to the unit (1e-8 USDT):
 *   wallet = start + Σ realized PnL − Σ fees                 (balance)
 *   Σ realized PnL = Σ cash moved by fills + Σ open cost basis (nothing created or lost)
 *   equity = wallet + unrealized; free margin = equity − margin used − order margin
 *   each position = Σ signed filled quantities; the account's totals = Σ of its trades.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { expect, it } from "vitest";
import { fmt, mul, units, type PlaceOrderRequest } from "@bot-core/core";
import type { UserAccount } from "./user-account";

const SYMBOLS = [
  { symbol: "BTCUSDT", mid: 64_000, tick: "0.01", step: 0.00001 },
  { symbol: "ETHUSDT", mid: 3_400, tick: "0.01", step: 0.0001 },
  { symbol: "SOLUSDT", mid: 150, tick: "0.01", step: 0.001 },
];

type Op =
  | { kind: "market"; s: number; buy: boolean; lots: number; move: number }
  | { kind: "limit"; s: number; buy: boolean; lots: number; offset: number }
  | { kind: "fire"; pick: number; move: number; shown: number }
  | { kind: "cancel"; pick: number }
  | { kind: "close"; s: number; move: number }
  | { kind: "leverage"; value: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("market" as const), s: fc.nat(2), buy: fc.boolean(), lots: fc.integer({ min: 1, max: 400 }), move: fc.integer({ min: -300, max: 300 }) }),
  fc.record({ kind: fc.constant("limit" as const), s: fc.nat(2), buy: fc.boolean(), lots: fc.integer({ min: 1, max: 400 }), offset: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant("fire" as const), pick: fc.nat(20), move: fc.integer({ min: -300, max: 300 }), shown: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant("close" as const), s: fc.nat(2), move: fc.integer({ min: -300, max: 300 }) }),
  fc.record({ kind: fc.constant("leverage" as const), value: fc.integer({ min: 1, max: 20 }) }),
);

/** A price `bps` basis points from the symbol's mid, on its tick. */
function priceAt(s: (typeof SYMBOLS)[number], bps: number): string {
  const cents = Math.round(s.mid * (1 + bps / 10_000) * 100);
  return (cents / 100).toFixed(2);
}
const qtyOf = (s: (typeof SYMBOLS)[number], lots: number) => (lots * s.step * 10).toFixed(6).replace(/0+$/, "").replace(/\.$/, "");

let run = 0;
/** What the runs exercised: the property must not pass vacuously. */
const seen = { fills: 0, partial: 0, realizing: 0, shorts: 0 };

it("conserves money over random orders, partial fills, cancels and closes (property, real DO)", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
      const name = `prop-${run++}`;
      const stub = env.USER_ACCOUNT.getByName(name);
      await stub.open({ userId: name, createdAt: 0 });
      await runInDurableObject(stub, async (account: UserAccount) => {
        let fireSeq = 1;
        for (const o of ops) {
          if (o.kind === "market" || o.kind === "limit" || o.kind === "close") {
            const s = SYMBOLS[o.s]!;
            const mid = priceAt(s, o.kind === "limit" ? 0 : o.move);
            const quote = { price: mid, bid: (Number(mid) - 0.01).toFixed(2), ask: mid, bidQty: "1000", askQty: "1000", time: Date.now() };
            if (o.kind === "close") {
              await account.closePosition({ symbol: s.symbol, requestHash: "", quote, tradesPerMinute: 1e9 });
              continue;
            }
            const order: PlaceOrderRequest =
              o.kind === "market"
                ? { symbol: s.symbol, side: o.buy ? "buy" : "sell", type: "market", quantity: qtyOf(s, o.lots) }
                : { symbol: s.symbol, side: o.buy ? "buy" : "sell", type: "limit", quantity: qtyOf(s, o.lots), price: priceAt(s, o.buy ? -o.offset : o.offset) };
            account.submitOrder({ order, requestHash: "", quote, tradesPerMinute: 1e9 });
          } else if (o.kind === "fire" || o.kind === "cancel") {
            const open = account.listOrders({ limit: 100, open: true }).orders;
            const target = open[o.pick % Math.max(1, open.length)];
            if (!target) continue;
            if (o.kind === "cancel") {
              await account.cancelOrder(target.orderId);
              continue;
            }
            const s = SYMBOLS.find((x) => x.symbol === target.symbol)!;
            const through = Number(target.price) * (target.side === "buy" ? 0.999 : 1.001);
            const p = through.toFixed(2);
            account.onTrigger({
              orderId: target.orderId, version: 1, fireSeq: fireSeq++, kind: "limit", price: target.price!,
              tick: { price: p, high: p, low: p, bid: p, ask: p, bidQty: qtyOf(s, o.shown), askQty: qtyOf(s, o.shown), time: Date.now() },
            });
          } else {
            account.updateRiskSettings({ leverage: o.value });
          }
        }
      });

      const view = await stub.account();
      await runInDurableObject(stub, (_a: UserAccount, state: DurableObjectState) => {
        const sql = state.storage.sql;
        const fills = sql.exec<{ symbol: string; side: string; qty: string; price: string; fee: string; realized_pnl: string }>("SELECT * FROM fills").toArray();
        let realized = 0n;
        let fees = 0n;
        let cash = 0n;
        const qtyBySymbol = new Map<string, bigint>();
        for (const f of fills) {
          realized += BigInt(f.realized_pnl);
          fees += BigInt(f.fee);
          const notional = mul(BigInt(f.qty), BigInt(f.price), "half-even");
          cash += f.side === "buy" ? -notional : notional;
          qtyBySymbol.set(f.symbol, (qtyBySymbol.get(f.symbol) ?? 0n) + (f.side === "buy" ? BigInt(f.qty) : -BigInt(f.qty)));
        }
        const positions = sql.exec<{ symbol: string; qty: string; cost: string }>("SELECT * FROM positions").toArray();
        const openCost = positions.reduce((a, p) => a + BigInt(p.cost), 0n);
        expect(fmt(units(view.walletBalance))).toBe(fmt(units("10000") + realized - fees));
        expect(units(view.realizedPnl)).toBe(realized);
        expect(units(view.feesPaid)).toBe(fees);
        expect(realized).toBe(cash + openCost);
        expect(units(view.equity)).toBe(units(view.walletBalance) + units(view.unrealizedPnl));
        expect(units(view.freeMargin)).toBe(units(view.equity) - units(view.marginUsed) - units(view.orderMargin));
        for (const [symbol, qty] of qtyBySymbol) {
          const p = positions.find((x) => x.symbol === symbol);
          expect(p ? BigInt(p.qty) : 0n, symbol).toBe(qty);
        }
        seen.fills += fills.length;
        seen.realizing += fills.filter((f) => f.realized_pnl !== "0").length;
        seen.shorts += positions.filter((p) => p.qty.startsWith("-")).length;
        seen.partial += sql.exec("SELECT 1 FROM orders WHERE status = 'partially_filled' OR (status IN ('filled', 'canceled') AND type = 'limit' AND (SELECT COUNT(*) FROM fills WHERE order_id = orders.id) > 1)").toArray().length;
        // Every order's fills add up to its filled quantity.
        const orders = sql.exec<{ id: string; filled_qty: string; qty: string }>("SELECT id, filled_qty, qty FROM orders").toArray();
        for (const o of orders) {
          const filled = sql.exec<{ q: string | null }>("SELECT qty AS q FROM fills WHERE order_id = ?", o.id).toArray().reduce((a, r) => a + BigInt(r.q!), 0n);
          expect(BigInt(o.filled_qty)).toBe(filled);
          expect(BigInt(o.filled_qty) <= BigInt(o.qty)).toBe(true);
        }
      });
    }),
    { numRuns: 100 },
  );
  expect(seen.fills).toBeGreaterThan(150);
  expect(seen.realizing).toBeGreaterThan(40);
  expect(seen.partial).toBeGreaterThan(3);
  expect(seen.shorts).toBeGreaterThan(20);
}, 120_000);
