/** What machine a result was measured on (ratios travel; absolute numbers do not). */
import { cpus, freemem, loadavg, platform, release, totalmem } from "node:os";
import type { z } from "zod";
import type { MachineInfo } from "../result-schema";

export function machineInfo(): z.infer<typeof MachineInfo> {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()} (free ${Math.round(freemem() / 2 ** 30)} GiB)`,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
