/** The machine's load while benchmarks run: figures taken on a busy machine say so. */
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";

export interface MachineLoad {
  cores: number;
  /** 1, 5 and 15 minute load averages. */
  loadavg: [number, number, number];
  /** Other processes using ≥ 10% of a core right now, busiest first (command names only). */
  busy: { command: string; cpuPercent: number }[];
}

export function machineLoad(): MachineLoad {
  const [a, b, c] = loadavg();
  let busy: MachineLoad["busy"] = [];
  try {
    const out = execFileSync("ps", ["-eo", "pid=,pcpu=,comm=", "--sort=-pcpu"], { encoding: "utf8" });
    busy = out
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((p) => p.length >= 3 && Number(p[0]) !== process.pid && p[2] !== "ps" && Number(p[1]) >= 10)
      .slice(0, 8)
      .map((p) => ({ command: p.slice(2).join(" "), cpuPercent: Number(p[1]) }));
  } catch {
    // No ps (not Linux/macOS): the load averages still say how busy the machine was.
  }
  return { cores: cpus().length, loadavg: [a ?? 0, b ?? 0, c ?? 0], busy };
}

export function describeLoad(l: MachineLoad): string {
  const avg = l.loadavg.map((x) => x.toFixed(1)).join(" / ");
  const busy = l.busy.length === 0 ? "no other busy process" : `busy: ${l.busy.map((p) => `${p.command} ${p.cpuPercent.toFixed(0)}%`).join(", ")}`;
  const verdict = l.loadavg[0] > l.cores * 0.75 ? "BUSY machine — absolute times are indicative, ratios hold better" : "machine mostly idle";
  return `${l.cores} cores, load average ${avg} (1/5/15 min); ${busy}; ${verdict}`;
}
