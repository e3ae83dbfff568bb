/** The floor: a bare Node http server answering a small JSON body, on loopback. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export async function startBareNode(): Promise<{ url: string; close(): Promise<void> }> {
  const body = JSON.stringify({ status: "ok", service: "bare-node" });
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
