import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "./csv";

describe("CSV", () => {
  it("quotes fields with commas, quotes and line breaks", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("x\ny")).toBe('"x\ny"');
    expect(csvField(null)).toBe("");
  });

  it("neutralizes spreadsheet formulas but keeps negative numbers", () => {
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("-12.5")).toBe("-12.5");
    expect(csvField("-cmd")).toBe("'-cmd");
  });

  it("writes a header and one CRLF line per row", () => {
    const csv = toCsv([{ header: "symbol", value: (r: { s: string; p: string }) => r.s }, { header: "pnl", value: (r) => r.p }], [
      { s: "BTCUSDT", p: "-1.5" },
      { s: "ETHUSDT", p: "2" },
    ]);
    expect(csv).toBe("symbol,pnl\r\nBTCUSDT,-1.5\r\nETHUSDT,2\r\n");
  });
});
