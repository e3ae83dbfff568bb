import { describe, expect, it } from "vitest";
import { overheadPct, spreadPct } from "./telemetry-overhead";

describe("telemetry-overhead figures", () => {
  it("spread is (max - min) / median of the repeats' throughput, in percent", () => {
    expect(spreadPct({ repeats: [{ p50: 1, p99: 2, throughput: 900 }, { p50: 1, p99: 2, throughput: 1000 }, { p50: 1, p99: 2, throughput: 1100 }] })).toBe(20);
    expect(spreadPct({ repeats: [{ p50: 1, p99: 2, throughput: 1000 }] })).toBe(0);
  });

  it("overhead is 1 - on/off throughput, in percent; negative when 'on' was faster", () => {
    expect(overheadPct({ throughput: 990 }, { throughput: 1000 })).toBe(1);
    expect(overheadPct({ throughput: 1020 }, { throughput: 1000 })).toBe(-2);
    expect(overheadPct({ throughput: 5 }, { throughput: 0 })).toBe(0);
  });
});
