#!/usr/bin/env node
// `npm start`: builds the dashboard, starts the bridge (market simulator) and the edge Worker
// on http://127.0.0.1:8787, and stops every child cleanly on Ctrl-C. State persists in
// .wrangler/state across restarts.
import { startStack } from "./stack.mjs";

const started = Date.now();
console.log("Bot Core Edge: starting the local stack …");
const stack = await startStack({
  edgePort: Number(process.env.EDGE_PORT ?? 8787),
  bridgePort: Number(process.env.BRIDGE_PORT ?? 8788),
});

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the bridge and the edge …`);
  await stack.stop();
  console.log("stopped.");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

try {
  await stack.ready();
} catch (err) {
  console.error(`start-up failed: ${err instanceof Error ? err.message : err}`);
  await stack.stop();
  process.exit(1);
}

console.log(`
  Bot Core Edge is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
    Dashboard     ${stack.edgeUrl}/
    API health    ${stack.edgeUrl}/api/health
    Edge health   ${stack.edgeUrl}/health
    Bridge health ${stack.bridgeUrl}/health
  Press Ctrl-C to stop.
`);

// If a child dies on its own, stop the rest rather than run half a system.
const { bridge, edge } = stack.processes();
for (const [name, proc] of [["bridge", bridge], ["edge", edge]]) {
  proc.child.on("exit", (code) => {
    if (stopping) return;
    console.error(`${name} exited unexpectedly (${code}); stopping.`);
    void shutdown("child exit");
  });
}
