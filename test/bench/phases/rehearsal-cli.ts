/**
 * Phase: `outreach run <yaml> --sandbox --seed <seed>` exactly as a user runs it (embedded sandbox,
 * simulated clock, throwaway state), in-process so this process's CPU time and peak RSS are the
 * rehearsal's. Its terminal output goes nowhere (runPhase ignores the phase's stdout).
 */
import { main } from "../../../src/cli/main.js";
import { phaseArgs, sendResult } from "../support/child.js";

const { campaignFile, seed } = phaseArgs<{ campaignFile: string; seed: string }>();
const started = performance.now();
const code = await main(["node", "outreach", "run", campaignFile, "--sandbox", "--seed", seed]);
const ms = performance.now() - started;
const cpu = process.cpuUsage();
if (code !== 0) throw new Error(`outreach run --sandbox exited with ${code}`);
await sendResult({ ms, cpuMs: (cpu.user + cpu.system) / 1000 });
