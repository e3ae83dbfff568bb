/** The reporter against a real HTTP server on 127.0.0.1 standing in for the edge, over a real SQLite outbox file. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { startExecutionsEdge, type ExecutionsEdge } from "../testing/executions-edge";
import { ExecutionReporter, reportOfOrder } from "./execution-reports";
import { ReportOutbox, REPORTS_FILE_NAME } from "./report-outbox";

const TOKEN = "token-0123456789abcdef";
let server: ExecutionsEdge | undefined;
let dir: string;
const opened: ReportOutbox[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "execution-reports-"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const o of opened.splice(0)) o.close();
  rmSync(dir, { recursive: true, force: true });
});
const openOutbox = () => {
  const o = ReportOutbox.open(path.join(dir, REPORTS_FILE_NAME));
  opened.push(o);
  return o;
};

/** An edge stand-in on 127.0.0.1 that refuses the first `refusals` posts with 503. */
async function edge(refusals: number): Promise<ExecutionsEdge> {
  server = await startExecutionsEdge({ token: TOKEN, refuse: () => refusals-- > 0 });
  return server;
}

function order(i: number) {
  return { symbol: "BTCUSDT", orderId: String(100 + i), clientOrderId: `c-${i}`, side: "BUY" as const, type: "LIMIT", status: "NEW" as const, price: "1", quantity: "1", executedQty: "0", cumulativeQuoteQty: "0", updateTime: i };
}

describe("ExecutionReporter", () => {
  it("keeps reports until the edge takes them (at-least-once), backing off while it refuses, with the bridge token", async () => {
    const up = await edge(2);
    const lines: string[] = [];
    // EDGE_URL as the market link uses it (ws://): the reporter posts to its http:// twin.
    const reporter = new ExecutionReporter({ edgeUrl: up.url.replace("http:", "ws:"), token: TOKEN, outbox: openOutbox(), log: createLogger({ write: (l) => lines.push(l) }) });
    for (let i = 0; i < 3; i++) reporter.push(reportOfOrder("user-1", "binance-spot", order(i)));
    expect(await reporter.drained(5000)).toBe(true);
    expect(up.reports().map((r) => r.clientOrderId)).toEqual(["c-0", "c-1", "c-2"]);
    expect(up.refused).toHaveLength(2);
    expect(reporter.delivered).toBe(3);
    expect(lines.filter((l) => l.includes("not delivered"))).toHaveLength(2);
    await reporter.close();
  });

  it("keeps unacknowledged reports on disk: a new reporter over the same file sends them first, in order", async () => {
    const down = await edge(1_000_000); // the edge refuses everything
    const log = createLogger({ write: () => {} });
    const first = new ExecutionReporter({ edgeUrl: down.url, token: TOKEN, outbox: openOutbox(), log, maxBackoffMs: 50 });
    for (let i = 0; i < 3; i++) first.push(reportOfOrder("user-1", "binance-spot", order(i)));
    expect(await first.drained(300)).toBe(false);
    await first.close();
    opened.pop()!.close(); // the process is gone; only the file remains
    await down.close();

    const up = await edge(0);
    const second = new ExecutionReporter({ edgeUrl: up.url, token: TOKEN, outbox: openOutbox(), log });
    second.push(reportOfOrder("user-1", "binance-spot", order(3)));
    expect(await second.drained(5000)).toBe(true);
    expect(up.reports().map((r) => r.clientOrderId)).toEqual(["c-0", "c-1", "c-2", "c-3"]);
    expect(down.accepted).toEqual([]);
    await second.close();
  });

  it("queues a fill once by its trade id however often it is pushed", async () => {
    const up = await edge(0);
    const reporter = new ExecutionReporter({ edgeUrl: up.url, token: TOKEN, outbox: openOutbox(), log: createLogger({ write: () => {} }) });
    const fill = { tradeId: "77", price: "1", quantity: "1", commission: "0", commissionAsset: "USDT" };
    const report = { ...reportOfOrder("user-1", "binance-spot", { ...order(0), status: "FILLED" as const, executedQty: "1" }, "TRADE"), fill };
    expect(reporter.push(report)).toBe(true);
    expect(reporter.push(report)).toBe(false);
    expect(reporter.push({ ...report, fill: { ...fill, tradeId: "78" } })).toBe(true);
    expect(await reporter.drained(5000)).toBe(true);
    expect(up.reports().map((r) => r.fill?.tradeId)).toEqual(["77", "78"]);
    await reporter.close();
  });
});
