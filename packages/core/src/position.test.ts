import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fmt, mul, units, type Units } from "./money";
import { applyFill, emptyPosition, entryPrice, fillNotional, marginFor, unrealizedPnl, type Fill } from "./position";

const buy = (qty: string, price: string): Fill => ({ side: "buy", qty: units(qty), price: units(price) });
const sell = (qty: string, price: string): Fill => ({ side: "sell", qty: units(qty), price: units(price) });

describe("positions", () => {
  it("averages the entry when adding and realizes PnL when reducing a long", () => {
    let p = emptyPosition("BTCUSDT");
    p = applyFill(p, buy("1", "60000")).position;
    p = applyFill(p, buy("1", "62000")).position;
    expect(fmt(entryPrice(p))).toBe("61000");
    const r = applyFill(p, sell("0.5", "63000"));
    expect(fmt(r.realizedPnl)).toBe("1000"); // 0.5 x (63000 - 61000)
    expect(fmt(r.position.qty)).toBe("1.5");
    expect(fmt(entryPrice(r.position))).toBe("61000");
  });

  it("realizes PnL on a short covered lower, and flips through zero", () => {
    let p = applyFill(emptyPosition("ETHUSDT"), sell("2", "3500")).position;
    expect(p.qty).toBe(units("-2"));
    const cover = applyFill(p, buy("3", "3400"));
    expect(fmt(cover.realizedPnl)).toBe("200"); // 2 x (3500 - 3400)
    expect(fmt(cover.closedQty)).toBe("2");
    expect(fmt(cover.openedQty)).toBe("1");
    p = cover.position;
    expect(fmt(p.qty)).toBe("1");
    expect(fmt(entryPrice(p))).toBe("3400");
  });

  it("values unrealized PnL and margin", () => {
    const p = applyFill(emptyPosition("BTCUSDT"), buy("0.1", "60000")).position;
    expect(fmt(unrealizedPnl(p, units("61000")))).toBe("100");
    expect(fmt(marginFor(p, 10))).toBe("600");
    const short = applyFill(emptyPosition("BTCUSDT"), sell("0.1", "60000")).position;
    expect(fmt(unrealizedPnl(short, units("61000")))).toBe("-100");
    expect(() => marginFor(p, 0)).toThrow(RangeError);
  });

  it("refuses non-positive quantities and prices", () => {
    expect(() => applyFill(emptyPosition("X"), { side: "buy", qty: 0n, price: units("1") })).toThrow(RangeError);
    expect(() => applyFill(emptyPosition("X"), { side: "buy", qty: units("1"), price: 0n })).toThrow(RangeError);
  });

  it("conserves money to the unit over any sequence of fills, closed out at the end (property)", () => {
    const fillArb = fc.record({
      side: fc.constantFrom<"buy" | "sell">("buy", "sell"),
      qty: fc.bigInt({ min: 1n, max: 5n * 10n ** 8n }), // up to 5 units of base, any 1e-8 step
      price: fc.bigInt({ min: 10n ** 6n, max: 10n ** 14n }), // 0.01 .. 1,000,000
    });
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), fc.bigInt({ min: 10n ** 6n, max: 10n ** 14n }), (fills, closePrice) => {
        let p = emptyPosition("SIM");
        let realized: Units = 0n;
        let cashFlow: Units = 0n; // what the fills actually moved: -notional of each fill
        const all: Fill[] = [...fills];
        for (const f of fills) {
          const r = applyFill(p, f);
          realized += r.realizedPnl;
          cashFlow -= fillNotional(f);
          p = r.position;
          // the cost basis is zero when flat and never has the opposite sign of the quantity
          // (it can round to zero for dust: 1e-8 BTC at 0.01 — minNotional rules keep dust out)
          if (p.qty === 0n) expect(p.cost).toBe(0n);
          else expect(p.cost === 0n || p.cost > 0n === p.qty > 0n).toBe(true);
        }
        if (p.qty !== 0n) {
          const close: Fill = { side: p.qty > 0n ? "sell" : "buy", qty: p.qty > 0n ? p.qty : -p.qty, price: closePrice };
          const r = applyFill(p, close);
          realized += r.realizedPnl;
          cashFlow -= fillNotional(close);
          all.push(close);
          p = r.position;
        }
        expect(p.qty).toBe(0n);
        expect(p.cost).toBe(0n);
        // Flat again: every unit of realized PnL is a unit of cash that moved, no more, no less.
        expect(realized).toBe(cashFlow);
        // and the cash is the sum of each fill's own rounded notional
        expect(cashFlow).toBe(all.reduce((s, f) => s - (f.side === "buy" ? 1n : -1n) * mul(f.qty, f.price, "half-even"), 0n));
      }),
      { numRuns: 500 },
    );
  });
});
