import { MarketUpdate } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { StreamNormalizer } from "../../../containers/exchange-bridge/src/binance/normalize";
import { Measurement } from "../result-schema";
import { binanceCorpus, measureBinanceNormalize } from "./binance-normalize";

describe("binance-normalize scenario", () => {
  it("builds a deterministic corpus the normalizer accepts in full, producing valid core updates", () => {
    const corpus = binanceCorpus(4_000);
    expect(binanceCorpus(4_000)).toEqual(corpus);
    const n = new StreamNormalizer({ now: () => 1_700_000_000_000 });
    const kinds = new Map<string, number>();
    for (const raw of corpus) {
      const out = n.normalize(raw);
      kinds.set(out.kind, (kinds.get(out.kind) ?? 0) + 1);
      if (out.kind === "ticker" || out.kind === "kline") expect(MarketUpdate.safeParse(out).success).toBe(true);
    }
    expect(n.stats.invalid).toBe(0);
    expect(kinds.get("ticker")! / corpus.length).toBeGreaterThan(0.75);
    expect(kinds.get("kline")).toBeGreaterThan(0);
    expect(kinds.get("depth")).toBeGreaterThan(0);
  });

  it("produces result measurements in the shared schema (target and same-run baseline)", () => {
    const { baseline, normalized } = measureBinanceNormalize(1, 1);
    expect(Measurement.safeParse(baseline).success).toBe(true);
    expect(Measurement.safeParse(normalized).success).toBe(true);
    expect(baseline.role).toBe("baseline");
    expect(normalized.total).toBeGreaterThan(0);
  });
});
