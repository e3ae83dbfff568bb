/**
 * The live ledger of a UserAccount: positions built from live fills only (per venue and symbol),
 * their realized PnL (in the quote asset, USDT for every symbol traded here) and the fees as the
 * venue charged them, per fee asset (BNB, USDT, BTC, …) — never converted, never a float. It is
 * separate from the paper ledger (balances, positions): a live fill never moves paper money, and
 * paper fills never move this. The venue's account stays the truth for live balances; this is
 * what the trader's live trades add up to.
 *
 * @example
 * const ledger = new LiveLedger(ctx.storage.sql);
 * const { realizedPnl, position } = ledger.applyFill("binance-spot", { symbol, side: "buy", qty, price, commission, commissionAsset }, now);
 */
import { abs, applyFill, emptyPosition, entryPrice, fmt, unrealizedPnl, type Position, type PositionView, type Side, type Units } from "@bot-core/core";

export interface LiveFillInput {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: Units;
  readonly price: Units;
  /** The venue's commission, in `commissionAsset`'s units. */
  readonly commission: Units;
  /** Null when the venue did not say (USD-M reports always do; spot too): counted as the quote asset. */
  readonly commissionAsset: string | null;
}

/** A paper position's view without margin (live positions hold none here), plus venue and realized PnL. */
export interface LivePositionView extends Omit<PositionView, "margin"> {
  mode: "live";
  venue: string;
  /** PnL realized by this symbol's live fills on this venue, in USDT. */
  realizedPnl: string;
}

export interface LiveAccountView {
  mode: "live";
  /** The venue the account trades on now (null when it is back on paper). */
  venue: string | null;
  asset: "USDT";
  realizedPnl: string;
  unrealizedPnl: string;
  /** Fees as the venue charged them, per asset and venue. */
  fees: Array<{ venue: string; asset: string; amount: string }>;
  openPositions: number;
  openOrders: number;
  positions: LivePositionView[];
}

/** The position as the private stream's `order.filled` event carries it. */
export interface LivePositionEvent {
  mode: "live";
  venue: string;
  symbol: string;
  side: "long" | "short" | "flat";
  quantity: string;
  entryPrice: string;
  realizedPnl: string;
}

type Row = { venue: string; symbol: string; qty: string; cost: string; realized_pnl: string; mark: string };

export const QUOTE_ASSET = "USDT";

export class LiveLedger {
  constructor(private readonly sql: SqlStorage) {}

  /** Applies one live fill (inside the caller's transaction); returns its realized PnL and the new position. */
  applyFill(venue: string, f: LiveFillInput, now: number): { realizedPnl: Units; position: LivePositionEvent } {
    const row = this.sql.exec<Row>("SELECT * FROM live_positions WHERE venue = ? AND symbol = ?", venue, f.symbol).toArray()[0];
    const current: Position = row ? { symbol: f.symbol, qty: BigInt(row.qty), cost: BigInt(row.cost) } : emptyPosition(f.symbol);
    const realizedBefore = row ? BigInt(row.realized_pnl) : 0n;
    const effect = applyFill(current, { side: f.side, qty: f.qty, price: f.price });
    const next = effect.position;
    const realized = realizedBefore + effect.realizedPnl;
    this.sql.exec(
      `INSERT INTO live_positions (venue, symbol, qty, cost, realized_pnl, mark, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (venue, symbol) DO UPDATE SET qty = excluded.qty, cost = excluded.cost, realized_pnl = excluded.realized_pnl, mark = excluded.mark, updated_at = excluded.updated_at`,
      venue, f.symbol, next.qty.toString(), next.cost.toString(), realized.toString(), f.price.toString(), now,
    );
    if (f.commission > 0n) {
      const asset = f.commissionAsset ?? QUOTE_ASSET;
      const paid = this.sql.exec<{ amount: string }>("SELECT amount FROM live_fees WHERE venue = ? AND asset = ?", venue, asset).toArray()[0];
      const total = (paid ? BigInt(paid.amount) : 0n) + f.commission;
      this.sql.exec("INSERT INTO live_fees (venue, asset, amount) VALUES (?, ?, ?) ON CONFLICT (venue, asset) DO UPDATE SET amount = excluded.amount", venue, asset, total.toString());
    }
    return {
      realizedPnl: effect.realizedPnl,
      position: {
        mode: "live", venue, symbol: f.symbol,
        side: next.qty > 0n ? "long" : next.qty < 0n ? "short" : "flat",
        quantity: fmt(abs(next.qty)),
        entryPrice: fmt(next.qty === 0n ? 0n : entryPrice(next)),
        realizedPnl: fmt(realized),
      },
    };
  }

  /** Signed open quantity of a live position (0 when flat). */
  positionQty(venue: string, symbol: string): Units {
    const row = this.sql.exec<{ qty: string }>("SELECT qty FROM live_positions WHERE venue = ? AND symbol = ?", venue, symbol).toArray()[0];
    return row ? BigInt(row.qty) : 0n;
  }

  /** How many positions are open on a venue (the MAX_OPEN_POSITIONS check of a live entry). */
  openPositionCount(venue: string): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM live_positions WHERE venue = ? AND qty != '0'", venue).one().n;
  }

  /** Open live positions' symbols (for marking them). */
  openSymbols(): string[] {
    return this.sql.exec<{ symbol: string }>("SELECT DISTINCT symbol FROM live_positions WHERE qty != '0'").toArray().map((r) => r.symbol);
  }

  /** Stores a fresh mark for every open live position of `symbol`. */
  mark(symbol: string, price: Units): void {
    this.sql.exec("UPDATE live_positions SET mark = ? WHERE symbol = ? AND qty != '0'", price.toString(), symbol);
  }

  view(venue: string | null, openOrders: number): LiveAccountView {
    const rows = this.sql.exec<Row>("SELECT * FROM live_positions ORDER BY venue, symbol").toArray();
    let realized = 0n;
    let unrealized = 0n;
    const positions: LivePositionView[] = [];
    for (const r of rows) {
      realized += BigInt(r.realized_pnl);
      const p: Position = { symbol: r.symbol, qty: BigInt(r.qty), cost: BigInt(r.cost) };
      if (p.qty === 0n) continue;
      const mark = BigInt(r.mark);
      const u = unrealizedPnl(p, mark);
      unrealized += u;
      positions.push({ mode: "live", venue: r.venue, symbol: r.symbol, side: p.qty > 0n ? "long" : "short", quantity: fmt(abs(p.qty)), entryPrice: fmt(entryPrice(p)), markPrice: fmt(mark), unrealizedPnl: fmt(u), realizedPnl: fmt(BigInt(r.realized_pnl)) });
    }
    const fees = this.sql.exec<{ venue: string; asset: string; amount: string }>("SELECT venue, asset, amount FROM live_fees ORDER BY venue, asset").toArray().map((f) => ({ venue: f.venue, asset: f.asset, amount: fmt(BigInt(f.amount)) }));
    return { mode: "live", venue, asset: "USDT", realizedPnl: fmt(realized), unrealizedPnl: fmt(unrealized), fees, openPositions: positions.length, openOrders, positions };
  }
}
