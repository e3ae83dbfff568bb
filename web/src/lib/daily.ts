/**
 * Today's (UTC) realized result against the daily loss limit, from the day's trades and the
 * risk settings — the dashboard's view of the DAILY_LOSS_LIMIT rule. Exact decimals.
 *
 * The server's rule counts realized loss with fees against the wallet at the day's first trade;
 * the wallet then is today's wallet minus today's net result.
 */
import { fmt, mulDiv, units } from "@bot-core/core";
import type { TradeView } from "./trading-api";

export interface DailyResult {
  /** Realized PnL minus fees of today's trades (negative: a loss). */
  net: string;
  /** The loss that halts new entries, USDT (positive). */
  limit: string;
  /** Share of the limit used by today's loss, 0-100 (0 when in profit). */
  usedPct: number;
  breached: boolean;
}

export function utcDayStart(now: number): number {
  return Math.floor(now / 86_400_000) * 86_400_000;
}

export function dailyResult(trades: readonly TradeView[], walletBalance: string, dailyLossLimitPct: string): DailyResult {
  const net = trades.reduce((acc, t) => acc + units(t.realizedPnl) - units(t.fee), 0n);
  const base = units(walletBalance) - net;
  const limit = base > 0n ? mulDiv(base, units(dailyLossLimitPct), units("100"), "down") : 0n;
  const loss = net < 0n ? -net : 0n;
  const usedBp = limit > 0n ? mulDiv(loss, 10_000n, limit, "down") : 0n;
  return {
    net: fmt(net),
    limit: fmt(limit),
    usedPct: Math.min(100, Number(usedBp) / 100),
    breached: limit > 0n && loss >= limit,
  };
}

/**
 * Wallet balance after each trade, oldest first, ending at today's wallet: the realized equity
 * curve. `trades` come newest first (as the history endpoint pages them).
 */
export function equityCurve(tradesNewestFirst: readonly TradeView[], walletBalance: string): Array<{ time: number; wallet: string }> {
  let wallet = units(walletBalance);
  const points: Array<{ time: number; wallet: string }> = [];
  for (const t of tradesNewestFirst) {
    points.push({ time: Date.parse(t.time), wallet: fmt(wallet) });
    wallet -= units(t.realizedPnl) - units(t.fee);
  }
  if (tradesNewestFirst.length > 0) points.push({ time: Date.parse(tradesNewestFirst.at(-1)!.time) - 1, wallet: fmt(wallet) });
  return points.reverse();
}
