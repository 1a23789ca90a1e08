/**
 * Phase: the real dry run, exactly as `outreach run <yaml> --dry-run --format json --out <file>`
 * runs it (load and validate the campaign, compile and check the templates, stream and validate the
 * CSV, render every lead × step, write JSON lines, project the schedule), in-process so this
 * process's peak RSS is the dry run's.
 */
import { main } from "../../../src/cli/main.js";
import { phaseArgs, sendResult } from "../support/child.js";

/** `out` omitted: the JSON lines go to stdout, which runPhase discards (/dev/null) — the path through the main thread. */
const { campaignFile, out } = phaseArgs<{ campaignFile: string; out?: string }>();
const started = performance.now();
const code = await main(["node", "outreach", "run", campaignFile, "--dry-run", "--format", "json", ...(out === undefined ? [] : ["--out", out])]);
const ms = performance.now() - started;
if (code !== 0) throw new Error(`outreach run --dry-run exited with ${code}`);
await sendResult({ ms });
