/**
 * `npm run bench`: every benchmark in sequence, each in its own Node process (so its peak RSS is its
 * own), printing its table. Benchmarks report figures and PASS/FAIL against their targets; they never
 * fail the command on a timing (conventions §10) — only a benchmark that breaks sets the exit code.
 * BENCH=name[,name] runs a subset, e.g. BENCH=dry-run npm run bench.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHMARKS = ["dry-run", "dry-run-memory", "send-throughput", "rate-limited", "html-preview"] as const;

const only = process.env.BENCH?.split(",").map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((name) => !(BENCHMARKS as readonly string[]).includes(name)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(", ")}; choose from ${BENCHMARKS.join(", ")}\n`);
  process.exit(1);
}

let broken = 0;
const started = performance.now();
for (const name of BENCHMARKS) {
  if (only && !only.includes(name)) continue;
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = fork(fileURLToPath(new URL(`./${name}.bench.js`, import.meta.url)), [], {
      execArgv: ["--expose-gc"],
      stdio: "inherit",
    });
    child.once("exit", (c) => resolve(c));
  });
  process.stdout.write(`(${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  if (code !== 0) {
    broken++;
    process.stderr.write(`benchmark ${name} did not complete (exit ${code})\n`);
  }
}
process.stdout.write(`\nall benchmarks: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
process.exitCode = broken > 0 ? 1 : 0;
