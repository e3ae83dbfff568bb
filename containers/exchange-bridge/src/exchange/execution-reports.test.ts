/** The reporter against a real HTTP server on 127.0.0.1 standing in for the edge. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { ExecutionReporter, reportOfOrder, type ExecutionReport } from "./execution-reports";

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
});

function order(i: number) {
  return { symbol: "BTCUSDT", orderId: String(100 + i), clientOrderId: `c-${i}`, side: "BUY" as const, type: "LIMIT", status: "NEW" as const, price: "1", quantity: "1", executedQty: "0", cumulativeQuoteQty: "0", updateTime: i };
}

describe("ExecutionReporter", () => {
  it("keeps reports until the edge takes them (at-least-once), backing off while it refuses, with the bridge token", async () => {
    const accepted: ExecutionReport[][] = [];
    let refusals = 2;
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (d) => (text += d));
      req.on("end", () => {
        if (req.url !== "/bridge/executions" || req.headers.authorization !== "Bearer token-0123456789abcdef") return void res.writeHead(401).end();
        if (refusals-- > 0) return void res.writeHead(503).end();
        accepted.push((JSON.parse(text) as { reports: ExecutionReport[] }).reports);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const lines: string[] = [];
    const reporter = new ExecutionReporter({ edgeUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, token: "token-0123456789abcdef", log: createLogger({ write: (l) => lines.push(l) }) });
    for (let i = 0; i < 3; i++) reporter.push(reportOfOrder("user-1", "binance-spot", order(i)));
    expect(await reporter.drained(5000)).toBe(true);
    expect(accepted.flat().map((r) => r.clientOrderId)).toEqual(["c-0", "c-1", "c-2"]);
    expect(reporter.delivered).toBe(3);
    expect(lines.filter((l) => l.includes("not delivered"))).toHaveLength(2);
    reporter.close();
  });
});
