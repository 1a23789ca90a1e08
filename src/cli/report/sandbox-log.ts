/**
 * `outreach sandbox`'s request log — one line per request: time, method, path, status, duration —
 * and the tally printed when it stops, so a person pointing a client at it sees what the client did.
 */
import type { SandboxRequestLog, SandboxStats } from "../../sandbox/index.js";
import { formatSpan } from "./time.js";
import type { Style } from "./style.js";

export class SandboxLog {
  private readonly byStatus = new Map<string, number>();
  private readonly byMethod = new Map<string, number>();
  private slowest: SandboxRequestLog | undefined;
  private readonly startedAt = Date.now();

  constructor(
    private readonly write: (line: string) => void,
    private readonly s: Style,
    private readonly quiet: boolean,
  ) {}

  request(r: SandboxRequestLog): void {
    const status = String(r.status);
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.byMethod.set(r.method, (this.byMethod.get(r.method) ?? 0) + 1);
    if (!this.slowest || r.ms > this.slowest.ms) this.slowest = r;
    if (this.quiet) return;
    const time = new Date().toISOString().slice(11, 23);
    const painted = r.status === "dropped" || r.status >= 500 ? this.s.red(status) : r.status >= 400 ? this.s.yellow(status) : this.s.green(status);
    this.write(`${this.s.dim(time)}  ${r.method.padEnd(6)} ${r.path}  ${painted}  ${r.ms.toFixed(1)} ms`);
  }

  /** The tally: requests by method and status, what the simulated world saw, the slowest request. */
  summary(stats: SandboxStats): string[] {
    const total = [...this.byMethod.values()].reduce((a, b) => a + b, 0);
    const list = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
    return [
      this.s.bold(`sandbox stopped after ${formatSpan(Date.now() - this.startedAt)}: ${total} request${total === 1 ? "" : "s"}`) + (total ? ` (${list(this.byMethod)})` : ""),
      `  statuses   ${list(this.byStatus)}`,
      `  DMs sent ${stats.sends} · replies ${stats.replies} · 429s ${stats.rateLimited} · 5xx ${stats.serverErrors} · lost responses ${stats.lostResponses} · sends refused ${stats.sendsRejected}`,
      ...(this.slowest ? [`  slowest    ${this.slowest.method} ${this.slowest.path} ${this.slowest.ms.toFixed(1)} ms`] : []),
    ];
  }
}
