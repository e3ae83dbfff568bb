/**
 * The regression check catches a deliberately slowed endpoint: a real HTTP server on loopback
 * whose target route gets an injected delay, measured by the real load generator against a
 * baseline route in the same run, compared with a baseline accepted while it was fast.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { machineInfo } from "./harness/machine";
import { measureHttp } from "./harness/measure";
import { compareToBaseline } from "./regression/compare";
import { acceptBaseline } from "./regression/baselines";
import { ScenarioResult } from "./result-schema";
import { ratiosOf } from "./scenarios/types";

let server: Server;
let base = "";
let injectedDelayMs = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const reply = () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
    };
    if (req.url === "/target" && injectedDelayMs > 0) setTimeout(reply, injectedDelayMs);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function runScenario(): Promise<ScenarioResult> {
  const measurements = await measureHttp(
    [
      { id: "baseline-route", label: "fast route", role: "baseline", load: { url: `${base}/baseline` } },
      { id: "target-route", label: "route under test", role: "target", load: { url: `${base}/target` } },
    ],
    { concurrencies: [4], durationSec: 1, repeats: 1, log: () => {} },
  );
  const [baseline, target] = [measurements[0]!, measurements[1]!];
  return ScenarioResult.parse({
    scenario: "slowed",
    description: "fault injection",
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    measurements,
    ratios: ratiosOf(target, baseline),
  });
}

describe("regression detection on a deliberately slowed endpoint", () => {
  it("accepts the fast state, then flags an injected 20 ms delay as critical and passes once it is gone", async () => {
    injectedDelayMs = 0;
    const accepted = acceptBaseline(await runScenario());

    injectedDelayMs = 20;
    const slowed = compareToBaseline(await runScenario(), accepted);
    const p50 = slowed.ratios.find((r) => r.name === "target-route-c4.p50/baseline-route-c4.p50");
    const throughput = slowed.ratios.find((r) => r.name === "target-route-c4.throughput/baseline-route-c4.throughput");
    // 20 ms against a sub-millisecond route: tens of times slower, far past the 3x critical band.
    expect(p50?.severity).toBe("critical");
    expect(p50?.factor).toBeGreaterThan(3);
    expect(throughput?.severity).toBe("critical");
    expect(slowed.worst).toBe("critical");

    injectedDelayMs = 0;
    const recovered = compareToBaseline(await runScenario(), accepted);
    const recoveredP50 = recovered.ratios.find((r) => r.name === "target-route-c4.p50/baseline-route-c4.p50");
    // (p99 of two sub-millisecond routes swings too much on a shared machine to assert on.)
    expect(["ok", "improved", "medium"]).toContain(recoveredP50?.severity);
  });
});
