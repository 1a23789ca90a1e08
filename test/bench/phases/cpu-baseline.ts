/**
 * Phase: a fixed amount of pure CPU work (SHA-256 over 64 MB in 64 KB chunks, repeated), with no
 * I/O and no waiting. Its wall time over its CPU time is what the machine's load alone does to a
 * process that never waits: a benchmark whose ratio is higher spent the difference waiting.
 */
import { createHash } from "node:crypto";
import { phaseArgs, sendResult } from "../support/child.js";

const { rounds } = phaseArgs<{ rounds: number }>();
const chunk = Buffer.alloc(64 * 1024, 7);
const started = performance.now();
let digest = "";
for (let r = 0; r < rounds; r++) {
  const hash = createHash("sha256");
  for (let i = 0; i < 1024; i++) hash.update(chunk);
  digest = hash.digest("hex");
}
const ms = performance.now() - started;
const cpu = process.cpuUsage();
await sendResult({ ms, cpuMs: (cpu.user + cpu.system) / 1000, digest });
