/** Latency recording with HdrHistogram (microsecond resolution, 3 significant digits). */
import * as hdr from "hdr-histogram-js";
import type { LatencySummary } from "../result-schema";

export interface LatencyRecorder {
  /** Records one latency in milliseconds (fractions kept down to 1 µs). */
  record(ms: number): void;
  count(): number;
  summary(): LatencySummary;
  reset(): void;
}

export function latencyRecorder(): LatencyRecorder {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    record(value) {
      h.recordValue(Math.max(1, Math.round(value * 1000)));
    },
    count: () => h.totalCount,
    summary: () =>
      h.totalCount === 0
        ? { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 }
        : {
            p50: ms(h.getValueAtPercentile(50)),
            p95: ms(h.getValueAtPercentile(95)),
            p99: ms(h.getValueAtPercentile(99)),
            max: ms(h.maxValue),
            mean: ms(h.mean),
          },
    reset: () => h.reset(),
  };
}

/** Median of numbers (the middle repeat; the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
