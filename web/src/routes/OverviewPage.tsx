/**
 * Overview: equity (live: wallet + the live PnL of every position), balances, today's result
 * against the daily loss limit, the realized equity curve, and open positions with live PnL.
 */
import { createResource, onCleanup, onMount, Show, type JSX } from "solid-js";
import { EquityCurve } from "../components/EquityCurve";
import { Pnl } from "../components/Pnl";
import { markOf, PositionsTable } from "../components/PositionsTable";
import { Skeleton } from "../components/Skeleton";
import { StaleMark } from "../components/StaleMark";
import { dailyResult, equityCurve, utcDayStart } from "../lib/daily";
import { useLive } from "../lib/live";
import { fixed, sumDecimals } from "../lib/pnl";
import type { TradeView } from "../lib/trading-api";
import type { RiskSettings } from "@bot-core/core";

export default function OverviewPage(): JSX.Element {
  const live = useLive();
  const account = () => live.account.value();
  const stale = () => live.account.stale(live.clock());

  // Today's trades and the settings, refreshed with the account (every 10 s is enough for a day's figure).
  // A failed load keeps the last figures (null only before the first success): never throws into the page.
  type Today = { trades: TradeView[]; settings: RiskSettings } | null;
  const [today, { refetch }] = createResource(async (): Promise<Today> => {
    try {
      const [history, settings] = await Promise.all([live.trading.history({ from: utcDayStart(Date.now()) }, null, 100), live.trading.settings()]);
      return { trades: history.trades, settings };
    } catch {
      const last: Today | undefined = today.latest;
      return last ?? null;
    }
  });
  const [recent] = createResource(() => live.trading.history({}, null, 100).catch(() => null));
  const timer = setInterval(() => void refetch(), 10_000);
  onCleanup(() => clearInterval(timer));
  onMount(() => (document.title = "Overview · Bot Core"));

  const liveUnrealized = () => sumDecimals((account()?.positions ?? []).map((p) => markOf(p, live.prices.quotes).pnl));
  const equity = () => {
    const a = account();
    return a ? sumDecimals([a.walletBalance, liveUnrealized()]) : undefined;
  };
  const daily = () => {
    const a = account();
    const t = today();
    return a && t ? dailyResult(t.trades, a.walletBalance, t.settings.dailyLossLimitPct) : undefined;
  };

  return (
    <div class="page">
      <div class="page-head">
        <h1>Overview</h1>
        <StaleMark stale={stale()} updatedAt={live.account.updatedAt()} now={live.clock()} what="Account" />
      </div>

      <Show when={account()} fallback={<Skeleton lines={3} label="Loading your account…" class="card pad" />}>
        {(a) => (
          <section class="stats" aria-label="Balances" data-stale={stale()}>
            <Stat label="Equity" testId="equity">
              {fixed(equity() ?? a().equity)}
            </Stat>
            <Stat label="Wallet balance">{fixed(a().walletBalance)}</Stat>
            <Stat label="Unrealized PnL">
              <Pnl value={liveUnrealized()} />
            </Stat>
            <Stat label="Free margin">{fixed(a().freeMargin)}</Stat>
            <Stat label="Margin used">{fixed(sumDecimals([a().marginUsed, a().orderMargin]))}</Stat>
            <Stat label="Realized PnL">
              <Pnl value={a().realizedPnl} />
            </Stat>
          </section>
        )}
      </Show>

      <section class="card pad" aria-labelledby="daily-h">
        <h2 id="daily-h">Today (UTC)</h2>
        <Show when={daily()} fallback={today() === null ? <p class="muted">Today's result is not available right now.</p> : <Skeleton lines={2} label="Loading today's result…" />}>
          {(d) => (
            <div class="daily">
              <p>
                Result <Pnl value={d().net} testId="daily-pnl" /> USDT · loss limit {fixed(d().limit)} USDT ({today()?.settings.dailyLossLimitPct}%)
              </p>
              <meter class="meter" min="0" max="100" low={60} high={85} optimum={0} value={d().usedPct} aria-label="Share of the daily loss limit used">
                {d().usedPct}%
              </meter>
              <p class="small muted">
                {d().breached ? "The daily loss limit is reached: new entries resume at 00:00 UTC." : `${d().usedPct.toFixed(0)}% of today's loss limit used.`}
              </p>
            </div>
          )}
        </Show>
      </section>

      <section class="card pad" aria-labelledby="curve-h">
        <h2 id="curve-h">Equity curve (realized)</h2>
        <Show when={recent() && account()} fallback={recent() === null ? <p class="muted">The trade history is not available right now.</p> : <Skeleton lines={2} label="Loading the equity curve…" />}>
          <EquityCurve points={equityCurve(recent()?.trades ?? [], account()?.walletBalance ?? "0")} />
        </Show>
      </section>

      <section class="card pad" aria-labelledby="positions-h">
        <h2 id="positions-h">Open positions</h2>
        <Show when={account()} fallback={<Skeleton lines={2} label="Loading positions…" />}>
          {(a) => <PositionsTable positions={a().positions} quotes={live.prices.quotes} />}
        </Show>
      </section>
    </div>
  );
}

function Stat(props: { label: string; testId?: string; children: JSX.Element }): JSX.Element {
  return (
    <div class="stat card">
      <span class="stat-label">{props.label}</span>
      <span class="stat-value num" data-testid={props.testId}>
        {props.children}
      </span>
      <span class="stat-unit">USDT</span>
    </div>
  );
}

