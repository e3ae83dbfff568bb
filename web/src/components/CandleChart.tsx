/**
 * Candlestick chart (TradingView's lightweight-charts, in this route's chunk only): candles,
 * volume, a 20-period SMA overlay, live 1m candles from the socket, and the user's entries,
 * stops and targets as price lines.
 */
import { CandlestickSeries, createChart, HistogramSeries, LineSeries, LineStyle, type IChartApi, type IPriceLine, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import { createEffect, createSignal, onCleanup, onMount, Show, type JSX } from "solid-js";
import { sma } from "../lib/indicators";
import type { Kline } from "../lib/trading-api";
import type { KlineFrameUpdate } from "../lib/realtime";

export interface ChartLevel {
  price: string;
  kind: "entry" | "stop" | "target" | "limit";
  label: string;
}

export interface CandleChartProps {
  symbol: string;
  load: (symbol: string) => Promise<Kline[]>;
  subscribe: (listener: (u: KlineFrameUpdate) => void) => () => void;
  levels: readonly ChartLevel[];
}

const SMA_PERIOD = 20;
type Candle = { time: UTCTimestamp; open: number; high: number; low: number; close: number; volume: number };

function css(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

function toCandle(k: Pick<Kline, "openTime" | "open" | "high" | "low" | "close" | "volume">): Candle {
  return { time: Math.floor(k.openTime / 1000) as UTCTimestamp, open: Number(k.open), high: Number(k.high), low: Number(k.low), close: Number(k.close), volume: Number(k.volume) };
}

export default function CandleChart(props: CandleChartProps): JSX.Element {
  let host: HTMLDivElement | undefined;
  let chart: IChartApi | undefined;
  let candles: ISeriesApi<"Candlestick"> | undefined;
  let volume: ISeriesApi<"Histogram"> | undefined;
  let average: ISeriesApi<"Line"> | undefined;
  let lines: IPriceLine[] = [];
  let data: Candle[] = [];
  const [status, setStatus] = createSignal<"loading" | "ready" | "error">("loading");

  onMount(() => {
    if (!host) return;
    const up = css("--up", "#0b7a3e");
    const down = css("--down", "#c1232b");
    chart = createChart(host, {
      autoSize: true,
      layout: { background: { color: "transparent" }, textColor: css("--muted", "#4b5563"), attributionLogo: false },
      grid: { vertLines: { color: css("--border", "#d4d9e1") }, horzLines: { color: css("--border", "#d4d9e1") } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    candles = chart.addSeries(CandlestickSeries, { upColor: up, downColor: down, borderVisible: false, wickUpColor: up, wickDownColor: down });
    volume = chart.addSeries(HistogramSeries, { priceScaleId: "", priceFormat: { type: "volume" }, color: css("--muted", "#4b5563") });
    volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    average = chart.addSeries(LineSeries, { color: css("--accent", "#1f4fd1"), lineWidth: 2, priceLineVisible: false, lastValueVisible: false, title: `SMA ${SMA_PERIOD}` });
  });

  function render(): void {
    if (!candles || !volume || !average) return;
    candles.setData(data);
    volume.setData(data.map((c) => ({ time: c.time, value: c.volume })));
    const avg = sma(data.map((c) => c.close), SMA_PERIOD);
    average.setData(data.flatMap((c, i) => (avg[i] === null ? [] : [{ time: c.time, value: avg[i] as number }])));
  }

  // (Re)load when the symbol changes; live candles of that symbol update the last bar.
  createEffect(() => {
    const symbol = props.symbol;
    setStatus("loading");
    let current = true;
    props
      .load(symbol)
      .then((klines) => {
        if (!current) return;
        data = klines.map(toCandle).sort((a, b) => a.time - b.time);
        render();
        chart?.timeScale().fitContent();
        setStatus("ready");
      })
      .catch(() => current && setStatus("error"));
    const off = props.subscribe((u) => {
      if (!current || u.symbol !== symbol || u.interval !== "1m" || !candles) return;
      const c = toCandle(u);
      const last = data[data.length - 1];
      if (last && c.time < last.time) return;
      if (last && c.time === last.time) data[data.length - 1] = c;
      else data.push(c);
      candles.update(c);
      volume?.update({ time: c.time, value: c.volume });
      const avg = sma(data.slice(-SMA_PERIOD).map((d) => d.close), SMA_PERIOD).at(-1);
      if (avg !== null && avg !== undefined) average?.update({ time: c.time, value: avg });
    });
    onCleanup(() => {
      current = false;
      off();
    });
  });

  // The user's levels as price lines.
  createEffect(() => {
    const levels = props.levels;
    if (!candles) return;
    for (const l of lines) candles.removePriceLine(l);
    const colors = { entry: css("--accent", "#1f4fd1"), stop: css("--down", "#c1232b"), target: css("--up", "#0b7a3e"), limit: css("--warn", "#8a5a00") };
    lines = levels.map((l) =>
      candles!.createPriceLine({ price: Number(l.price), color: colors[l.kind], lineWidth: 2, lineStyle: l.kind === "entry" ? LineStyle.Solid : LineStyle.Dashed, axisLabelVisible: true, title: l.label }),
    );
  });

  onCleanup(() => chart?.remove());

  const summary = () => props.levels.map((l) => `${l.label} ${l.price}`).join(", ");
  return (
    <figure class="chart-figure">
      <div class="chart" ref={host} role="img" aria-label={`${props.symbol} 1-minute candlestick chart with volume and a ${SMA_PERIOD}-period moving average${props.levels.length ? `; your levels: ${summary()}` : ""}`} data-testid="candle-chart" data-status={status()} />
      <Show when={status() !== "ready"}>
        <p class="chart-status muted" role="status">
          {status() === "loading" ? "Loading candles…" : "Candles are not available right now."}
        </p>
      </Show>
      <figcaption class="small muted">
        1-minute candles · volume · SMA {SMA_PERIOD}
        <Show when={props.levels.length}> · lines: your entries (solid), stops and targets (dashed)</Show>
      </figcaption>
    </figure>
  );
}
