/**
 * Phase: `outreach run <yaml> --dry-run --out <file>` in-process, the format chosen by the file's
 * extension (.txt: the text preview; .html: the HTML preview page). Reports wall and CPU time
 * (user + system, all threads: the dry run streams in a worker thread).
 */
import { main } from "../../../src/cli/main.js";
import { phaseArgs, sendResult } from "../support/child.js";

const { campaignFile, out } = phaseArgs<{ campaignFile: string; out: string }>();
const cpu0 = process.cpuUsage();
const started = performance.now();
const code = await main(["node", "outreach", "run", campaignFile, "--dry-run", "--out", out, "--preview", "0", "--start", "2026-12-01T08:00:00Z"]);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
if (code !== 0) throw new Error(`outreach run --dry-run --out ${out} exited with ${code}`);
await sendResult({ ms, cpuMs: (cpu.user + cpu.system) / 1000 });
