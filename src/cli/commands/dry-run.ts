/**
 * `outreach run campaign.yaml --dry-run`: every message that would be sent, every problem, and when.
 * Sends nothing, opens no connection, needs no token — except with `--lookup`, which also reads (never
 * writes) whether each lead is already in conversation with the team, with the token. Exit 0 only when every lead is sendable
 * (suppressed leads are intended skips, not problems), unless --allow-partial.
 *
 * The streaming work runs in a worker thread with a small young generation. A dry run allocates
 * fast (a row, a lead, three messages and their JSON per lead), and V8 answers a high allocation
 * rate by growing the young generation and promoting into old space, which it collects lazily:
 * a 1,000,000-lead preview peaked above 550 MB although its live data is ~30 MB. A worker's
 * `resourceLimits` is the supported way to bound that heap without flags on the node command line.
 */
import { displayPath } from "../../config/load.js";
import { stat } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { Campaign } from "../../config/types.js";
import { UserError } from "../../errors.js";
import { describeConversation } from "../../engine/first-contact.js";
import { outputClosed } from "../output.js";
import type { FromWorker, ToWorker, WorkerInput } from "./dry-run-protocol.js";
import type { RunFlags } from "./run-flags.js";

/**
 * Young generation of the worker, MB. A small one (4 MB) kept the 1M-lead peak RSS lowest, but then
 * garbage collection took a third of the worker's CPU; 32 MB costs ~5–13% less CPU for 100k leads × 3
 * steps (two interleaved pairs, whole process: 9.9/8.6 s → 8.6/8.2 s) for ~+32 MB of RSS.
 */
const YOUNG_GENERATION_MB = 32;

/**
 * Old generation of the worker, MB. Its live data is ~30 MB plus what grows with the leads: one
 * time-zone reference each and the schedule projection's per-lead entries (~24 bytes together).
 * The cap makes V8 collect before the heap balloons (1M leads: 214 → 176 MB peak RSS, ~10% slower),
 * and scales with the CSV — estimated at 40 bytes a row, an overestimate of the lead count — so a
 * larger file gets a larger heap rather than running out of it.
 */
function oldGenerationMb(csvBytes: number): number {
  return 96 + Math.ceil(((csvBytes / 40) * 24) / 2 ** 20);
}

export async function runDryRun(campaign: Campaign, flags: RunFlags): Promise<void> {
  const input: WorkerInput = { campaign, flags, stdoutIsTTY: process.stdout.isTTY === true, stderrIsTTY: process.stderr.isTTY === true };
  const csvBytes = await stat(campaign.leads.file).then((st) => st.size, () => 0);
  const worker = new Worker(new URL("./dry-run-worker.js", import.meta.url), {
    workerData: input,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: oldGenerationMb(csvBytes) },
    stdout: false,
    stderr: false,
  });
  const onClosed = (): void => worker.postMessage({ t: "stop" } satisfies ToWorker);
  outputClosed.signal.addEventListener("abort", onClosed, { once: true });
  try {
    const result = await relay(worker);
    if (result.rows === 0) {
      throw new UserError(`${displayPath(campaign.leads.file)} has no leads`, { hint: "add rows below the header line" });
    }
    if (result.templateErrors > 0) {
      throw new UserError(`the templates have ${result.templateErrors} error${result.templateErrors === 1 ? "" : "s"} (see above); nothing was sent`, {
        hint: "a template error fails every lead of its step, so --allow-partial does not accept it: fix the templates and run the dry run again",
      });
    }
    if (flags.lookup) await printLookup(campaign, flags);
    if (result.problems > 0 && !flags.allowPartial) {
      throw new UserError(`${result.problems} lead${result.problems === 1 ? "" : "s"} cannot be sent as they are (see above); nothing was sent`, {
        hint: "fix the rows or templates and run the dry run again, or pass --allow-partial to accept a partial campaign",
      });
    }
  } finally {
    outputClosed.signal.removeEventListener("abort", onClosed);
    await worker.terminate();
  }
}

/** `--lookup`: which leads a live run would skip as already in conversation with the team. */
async function printLookup(campaign: Campaign, flags: RunFlags): Promise<void> {
  const note = (level: "info" | "warn", message: string): void => void process.stderr.write(`${level === "warn" ? "warning: " : ""}${message}\n`);
  // Loaded only for --lookup: it brings the API client and the team quota (Redis), which a dry run never needs.
  const { lookupConversations } = await import("../../platform/lookup-conversations.js");
  const { checked, found } = await lookupConversations(campaign, process.env, note);
  if (flags.format === "json") {
    for (const f of found) process.stdout.write(`${JSON.stringify({ type: "in-conversation", leadId: f.leadId, line: f.line, ...f.conversation })}\n`);
    return;
  }
  const verdict = campaign.contacted === "skip" ? "a live run skips them (contacted: skip)" : "a live run still contacts them (contacted: allow)";
  const lines = [
    "",
    found.length === 0
      ? `Already in conversation: none of ${checked} leads (checked with GET /prospects/lookup across every account link of the team)`
      : `Already in conversation: ${found.length} of ${checked} leads — ${verdict}`,
    ...found.map((f) => `  line ${f.line}  lead ${f.leadId}: ${describeConversation(f.conversation)}`),
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

/** Writes what the worker sends, acknowledging each chunk once the stream has taken it. */
function relay(worker: Worker): Promise<Extract<FromWorker, { t: "done" }>> {
  // Chunks not acknowledged yet: a closed pipe never calls their write callbacks, so they are released when the output closes.
  const waiting = new Set<() => void>();
  outputClosed.signal.addEventListener("abort", () => [...waiting].forEach((ack) => ack()), { once: true });
  return new Promise((resolve, reject) => {
    worker.on("message", (msg: FromWorker) => {
      switch (msg.t) {
        case "write": {
          const stream = msg.fd === 1 ? process.stdout : process.stderr;
          const ack = (): void => {
            if (!waiting.delete(ack)) return;
            worker.postMessage({ t: "ack", id: msg.id } satisfies ToWorker);
          };
          waiting.add(ack);
          if (outputClosed.signal.aborted) return ack();
          // Acknowledged once written (the callback), not when buffered: the worker reuses the bytes after the ack.
          stream.write(msg.data, () => ack());
          return;
        }
        case "done":
          return resolve(msg);
        case "user-error":
          return reject(new UserError(msg.message, msg.details));
        case "crash":
          return reject(new Error(`dry run worker failed: ${msg.message}`));
      }
    });
    worker.on("error", reject);
    worker.on("exit", (code) => reject(new Error(`dry run worker exited with code ${code} before finishing`)));
  });
}
