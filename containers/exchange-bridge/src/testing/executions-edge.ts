/**
 * Test helper: the edge's `POST /bridge/executions` as a real HTTP server on 127.0.0.1, standing
 * in for the Worker. It checks the bearer token (401 otherwise), refuses a batch with 503 while
 * `refuse()` says so, and records every batch it accepted or refused.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ExecutionReport } from "../exchange/execution-reports";

export interface ExecutionsEdge {
  /** http://127.0.0.1:<port>, as EDGE_URL. */
  readonly url: string;
  /** Batches answered 200, in arrival order. */
  readonly accepted: ExecutionReport[][];
  /** Batches answered 503. */
  readonly refused: ExecutionReport[][];
  /** Every accepted report, flattened. */
  reports(): ExecutionReport[];
  close(): Promise<void>;
}

export interface ExecutionsEdgeOptions {
  /** The bridge token the edge accepts. */
  readonly token: string;
  /** Asked once per authorized batch: true answers 503 (the edge is down). Default: never. */
  readonly refuse?: () => boolean;
}

export async function startExecutionsEdge(options: ExecutionsEdgeOptions): Promise<ExecutionsEdge> {
  const accepted: ExecutionReport[][] = [];
  const refused: ExecutionReport[][] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/bridge/executions") return void res.writeHead(404).end();
      if (req.headers.authorization !== `Bearer ${options.token}`) return void res.writeHead(401).end();
      const reports = (JSON.parse(text) as { reports: ExecutionReport[] }).reports;
      if (options.refuse?.()) {
        refused.push(reports);
        return void res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"code":"unavailable","message":"edge down"}}');
      }
      accepted.push(reports);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ applied: reports.length, duplicates: 0, unknown: 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted,
    refused,
    reports: () => accepted.flat(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
