/**
 * CPU time per process group from /proc (Linux): how much of the machine each part of the
 * local stack used during a load run, per request. Under contention this is steadier than
 * throughput, because it does not count time spent waiting for a core.
 */
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS_PER_SEC = 100;

export interface ProcStat {
  pid: number;
  comm: string;
  pgid: number;
  /** utime + stime, in ms. */
  cpuMs: number;
}

/** Parses /proc/<pid>/stat (the command name may contain spaces and parentheses). */
export function parseProcStat(pid: number, text: string): ProcStat {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  return {
    pid,
    comm: text.slice(open + 1, close),
    pgid: Number(fields[2]),
    cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC,
  };
}

export function processes(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.push(parseProcStat(Number(entry), readFileSync(`/proc/${entry}/stat`, "utf8")));
    } catch {
      // the process ended
    }
  }
  return out;
}

/** CPU ms used by each named group of processes between two snapshots. */
export function cpuDelta(before: ProcStat[], after: ProcStat[], groups: Record<string, (p: ProcStat) => boolean>): Record<string, number> {
  const was = new Map(before.map((p) => [p.pid, p.cpuMs]));
  const out: Record<string, number> = {};
  for (const [name, match] of Object.entries(groups)) {
    out[name] = after.filter(match).reduce((sum, p) => sum + Math.max(0, p.cpuMs - (was.get(p.pid) ?? 0)), 0);
  }
  return out;
}
