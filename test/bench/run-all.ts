/**
 * `npm run bench [-- name …]`: each benchmark in its own Node process (so its peak RSS is its own),
 * printing its tables; the figures it reports are written into README.md (support/readme.ts) with
 * the date and the machine's load at the time. Benchmarks print figures and PASS/FAIL against their
 * targets; they never fail the command on a timing (conventions §10) — only a benchmark that breaks
 * sets the exit code.
 *
 * Names pick a subset (`npm run bench -- memory startup`); BENCH=a,b does the same. OPTIONAL ones run
 * only when named. To add a benchmark: write `<name>.bench.ts` that calls reportFigures(), and list it.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BenchReport } from "./support/figures.js";
import { describeLoad, machineLoad } from "./support/machine.js";
import { renderBlock, writeReadmeBlock } from "./support/readme.js";

/** Run by default, in this order (≈ 15 min on the idle 2-core machine). */
const DEFAULT = ["startup", "dry-run", "dry-run-memory", "send", "rate-limited", "quota-learning", "html-preview"];
/** Run only when named: each takes many minutes (a 1,000,000-lead live run, a 10,000-lead rehearsal, three runners through Redis). */
const OPTIONAL = ["memory-1m", "rehearsal", "team-quota"];
const ALL = [...DEFAULT, ...OPTIONAL];

const named = [...process.argv.slice(2), ...(process.env.BENCH?.split(",") ?? [])].map((s) => s.trim()).filter(Boolean);
const unknown = named.filter((n) => !ALL.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(", ")}; choose from ${ALL.join(", ")}\n`);
  process.exit(1);
}
const selected = named.length > 0 ? ALL.filter((n) => named.includes(n)) : DEFAULT;
const readme = fileURLToPath(new URL("../../../README.md", import.meta.url));

let broken = 0;
const started = performance.now();
for (const name of selected) {
  const t0 = performance.now();
  const before = machineLoad();
  process.stdout.write(`\n== ${name} — ${describeLoad(before)}\n`);
  const reports: BenchReport[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = fork(fileURLToPath(new URL(`./${name}.bench.js`, import.meta.url)), [], { execArgv: ["--expose-gc"], stdio: "inherit" });
    child.on("message", (m) => {
      const report = (m as { benchReport?: BenchReport }).benchReport;
      if (report) reports.push(report);
    });
    child.once("exit", (c) => resolve(c));
  });
  const after = machineLoad();
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`(${name}: ${seconds.toFixed(0)} s; after: ${describeLoad(after)})\n`);
  if (code !== 0) {
    broken++;
    process.stderr.write(`benchmark ${name} did not complete (exit ${code}); the README keeps its previous figures\n`);
    continue;
  }
  // The load that counts is the worse of the two ends of the run.
  const load = before.loadavg[0] >= after.loadavg[0] ? before : after;
  const when = `measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC in ${seconds.toFixed(0)} s, Node ${process.version}`;
  for (const report of reports) await writeReadmeBlock(readme, report.name, renderBlock(report, when, describeLoad(load)));
}
process.stdout.write(`\nall benchmarks: ${((performance.now() - started) / 1000).toFixed(0)} s; README.md updated for: ${selected.join(", ")}\n`);
process.exitCode = broken > 0 ? 1 : 0;
