/**
 * The dry run's streaming work, in a worker thread (see dry-run.ts for why): reads every lead,
 * renders every message step, writes the preview, and returns the summary figures. stdout and
 * stderr are the parent's: output goes there as chunks, each acknowledged once written, so the
 * parent's buffers never grow either.
 */
import { displayPath } from "../../config/load.js";
import { createWriteStream, type WriteStream } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import type { Campaign } from "../../config/types.js";
import { previewCampaign, type PreviewItem, type PreviewSummary } from "../../engine/preview.js";
import { fsFaultAsUserError } from "../../files/fs-faults.js";
import { projectRemaining, remainingWork, type RemainingWork } from "../../engine/remaining.js";
import type { LeadRecord } from "../../leads/types.js";
import { readStateSnapshot } from "../../state/load.js";
import type { LeadState } from "../../state/types.js";
import { UserError } from "../../errors.js";
import { describeFormat, type CsvFormat } from "../../leads/csv-source.js";
import { readLeads } from "../../leads/read-leads.js";
import { loadSuppression } from "../../leads/suppression.js";
import { createRenderer } from "../../render/renderer.js";
import { projectSchedule, type Projection } from "../../schedule/projection.js";
import { HtmlPreviewFile } from "../../html/preview-file.js";
import { safeText } from "../report/safe-text.js";
import { formatInstant, formatSpan } from "../report/time.js";
import { paint } from "../report/style.js";
import type { FromWorker, ToWorker, WorkerInput } from "./dry-run-protocol.js";
import { BatchedWriter, CHUNK_BYTES, type ChunkSink } from "./output-chunks.js";
import type { RunFlags } from "./run-flags.js";
import { PRIVATE_FILE_MODE } from "../../files/private-files.js";

const port = parentPort;
if (!port) throw new Error("bug: dry-run-worker.js must run in a worker thread");
const input = workerData as WorkerInput;
const stop = new AbortController();
const acks = new Map<number, () => void>();
let nextId = 0;

port.on("message", (msg: ToWorker) => {
  if (msg.t === "stop") stop.abort();
  else acks.get(msg.id)?.();
});

/**
 * A stream of the parent (1 = stdout, 2 = stderr), as a chunk sink that resolves once written. Chunks
 * live in shared memory: the main thread writes straight from it and acknowledges once the stream has
 * taken the bytes, then the chunk is reused (transferring or copying one per message left up to ~64 MB
 * of dead buffers waiting for the main thread's garbage collector in a 1M-lead preview).
 */
function parentSink(fd: 1 | 2): ChunkSink {
  return (chunk, release) =>
    new Promise<void>((resolve) => {
      const id = nextId++;
      acks.set(id, () => {
        acks.delete(id);
        release();
        resolve();
      });
      const shared = chunk.buffer instanceof SharedArrayBuffer;
      port!.postMessage({ t: "write", fd, data: chunk, id } satisfies FromWorker, shared ? [] : [chunk.buffer as ArrayBuffer]);
    });
}

/** A chunk in memory the main thread can read without a copy. */
const sharedChunk = (): Buffer => Buffer.from(new SharedArrayBuffer(CHUNK_BYTES));
/** A chunk of the worker's own: a file stream holds it until written. */
const ownChunk = (): Buffer => Buffer.allocUnsafeSlow(CHUNK_BYTES);

run().then(
  (result) => port.postMessage({ t: "done", ...result } satisfies FromWorker),
  (err: unknown) =>
    port.postMessage(
      (err instanceof UserError
        ? { t: "user-error", message: err.message, details: { ...(err.details.hint ? { hint: err.details.hint } : {}), ...(err.details.problems ? { problems: err.details.problems } : {}) } }
        : { t: "crash", message: err instanceof Error ? (err.stack ?? err.message) : String(err) }) satisfies FromWorker,
    ),
);

async function run(): Promise<{ rows: number; ready: number; problems: number; templateErrors: number }> {
  const { campaign, flags } = input;
  const renderer = await createRenderer(campaign);
  const suppressed = await loadSuppression({ file: campaign.suppressionFile, mayBeMissing: campaign.suppressionMayBeMissing === true });
  const html = flags.out && isHtmlPath(flags.out) ? await openHtml(flags.out, campaign) : undefined;
  const file = flags.out && !html ? await openOut(flags.out) : undefined;
  const json = flags.format === "json";
  // JSON goes to the file or stdout; the human summary then goes to stderr so stdout stays parseable.
  const humanFd: 1 | 2 = json && !file ? 2 : 1;
  const human = new BatchedWriter(parentSink(humanFd), sharedChunk);
  const s = paint({ isTTY: humanFd === 1 ? input.stdoutIsTTY : input.stderrIsTTY });
  const shown = new Map<string, number>();
  let format: CsvFormat | undefined;
  const fileSink = file ? fileChunkSink(file) : undefined;
  const jsonOut = json ? (fileSink ? new BatchedWriter(fileSink, ownChunk) : new BatchedWriter(parentSink(1), sharedChunk)) : undefined;
  const fileOut = fileSink && !json ? new BatchedWriter(fileSink, ownChunk) : undefined;

  // A started campaign previews what remains, unless --from-scratch asks for every lead's every step.
  // The HTML page lays out every lead's timetable, so it always previews from scratch.
  const snapshot = flags.fromScratch || html ? undefined : await readStateSnapshot(campaign.stateFile);
  const started = snapshot !== undefined && Object.keys(snapshot.leads).length > 0 ? snapshot : undefined;
  const stateOf = (id: string): LeadState | undefined => started?.leads[id];
  const readyLeads: { id: string; timezone?: string | undefined }[] = [];
  try {
    const summary = await previewCampaign({
      campaign,
      leads: started ? keepLeads(readLeads(campaign, { suppressed, onFormat: (f) => (format = f) }), readyLeads) : readLeads(campaign, { suppressed, onFormat: (f) => (format = f) }),
      renderer,
      signal: stop.signal,
      ...(started ? { isDone: (leadId: string, stepId: string) => isDone(stateOf(leadId), stepId) } : {}),
      onItem: (item) => {
        html?.item(item);
        // Backpressure: when the output is full, stop reading leads until it drains.
        if (jsonOut) return jsonOut.write(jsonLine(item));
        const wait = fileOut?.write(textItem(item));
        const n = shown.get(item.step) ?? 0;
        // A lead's own problem is always shown; a template error is the same for every lead, so it is
        // shown in the first few previews and then once in the summary, with its count.
        if (n < flags.preview || item.errors?.some((e) => e.scope === undefined)) {
          if (n < flags.preview) shown.set(item.step, n + 1);
          return human.write(textItem(item, s)) ?? wait;
        }
        return wait;
      },
      ...(html ? { onLead: (lead, ready) => html.lead(lead, ready), onProblem: (problem) => html.problem(problem) } : {}),
    });
    await jsonOut?.flush();
    await fileOut?.flush();
    if (file) await closeOut(file);
    html?.prepareSchedule();
    const remaining = started ? remainingWork(campaign, readyLeads, stateOf, flags.start ?? Date.now()) : undefined;
    const projection = remaining
      ? projectRemaining(campaign, remaining, flags.start ?? Date.now())
      : summary.ready > 0
        ? project(campaign, summary, flags, html?.onSend)
        : undefined;
    await html?.finish(summary, projection, Date.now());
    human.write(summaryText(campaign, summary, projection, flags, s, format, remaining));
    await human.flush();
    const problems = summary.withErrors + summary.skipped.filter((k) => k.reason !== "suppressed").reduce((a, k) => a + k.count, 0);
    return { rows: summary.rows, ready: summary.ready, problems, templateErrors: summary.templateErrors.filter((g) => g.scope === "template").length };
  } catch (error) {
    await html?.discard();
    throw error;
  }
}

/** The schedule as the runner would keep it; `onSend` sees every projected send (the HTML preview's times and calendar). */
function project(campaign: Campaign, sum: PreviewSummary, flags: RunFlags, onSend?: (lead: number, step: number, account: number, at: number) => void): Projection {
  return projectSchedule({
    start: flags.start ?? Date.now(),
    leads: sum.zones.some((z) => z !== undefined) ? sum.zones : sum.ready,
    accounts: campaign.accounts.length,
    pacing: campaign.pacing,
    sequenceDelaysMs: campaign.sequence.map((st) => st.afterMs),
    ...(onSend ? { onSend } : {}),
  });
}

function isHtmlPath(path: string): boolean {
  return /\.html?$/i.test(path);
}

async function openHtml(path: string, campaign: Campaign): Promise<HtmlPreviewFile> {
  try {
    return await HtmlPreviewFile.create(path, campaign);
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${(err as Error).message}`, { cause: err, hint: "choose a --out path in a folder you can write to" });
  }
}

function fileChunkSink(stream: WriteStream): ChunkSink {
  return (chunk, release) => drained(stream, stream.write(chunk, () => release()));
}

/** Undefined when the write was accepted; otherwise a promise of the stream's next 'drain'. */
function drained(stream: NodeJS.WritableStream, accepted: boolean): Promise<void> | undefined {
  if (accepted) return undefined;
  // A reader that went away never drains: give up waiting on close or error too (EPIPE stops the run).
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done).off("close", done).off("error", done);
      resolve();
    };
    stream.on("drain", done).on("close", done).on("error", done);
  });
}

/**
 * One JSON line per lead × step: {leadId, line, step, ok, text | errors}. Assembled by hand (ids and
 * step ids are digits and [a-z0-9_-], safe unquoted-escaped; the text goes through JSON.stringify):
 * no intermediate object per line on a path that runs 3,000,000 times for 1M leads.
 */
function jsonLine(item: PreviewItem): string {
  const head = `{"leadId":"${item.leadId}","line":${item.line},"step":"${item.step}",`;
  if (item.errors) return `${head}"ok":false,"errors":${JSON.stringify(item.errors)}}\n`;
  return `${head}"ok":true,"text":${JSON.stringify(item.text ?? "")}${item.notes ? `,"notes":${JSON.stringify(item.notes)}` : ""}}\n`;
}

/** A preview item for people (terminal or --out text): values' escapes made visible (safe-text.ts). */
function textItem(item: PreviewItem, s = paint({})): string {
  const head = `── ${item.step}${item.kind === "reply" ? " (on reply)" : ""} → ${item.leadId} (line ${item.line})`;
  if (item.errors) {
    return `${s.red(head)}\n${item.errors.map((e) => `   ${s.red("✗")} ${e.variable ? `{{${safeText(e.variable)}}}: ` : ""}${safeText(e.message)}`).join("\n")}\n\n`;
  }
  return `${s.dim(head)}\n${safeText(item.text ?? "", { multiline: true }).replace(/^/gm, "   ")}\n\n`;
}

/** Passes the CSV's records through, keeping each lead's id and zone (for the projection of what remains). */
async function* keepLeads(records: AsyncIterable<LeadRecord>, into: { id: string; timezone?: string | undefined }[]): AsyncGenerator<LeadRecord> {
  for await (const rec of records) {
    if (rec.kind === "lead") into.push(rec.lead.timezone ? { id: rec.lead.id, timezone: rec.lead.timezone } : { id: rec.lead.id });
    yield rec;
  }
}

/** A step that a started campaign has settled for this lead: nothing to preview. */
function isDone(state: LeadState | undefined, stepId: string): boolean {
  if (!state) return false;
  if (state.finishedAt !== undefined) return true;
  const status = state.steps[stepId]?.status;
  return status === "sent" || status === "skipped" || status === "failed";
}

function summaryText(
  campaign: Campaign,
  sum: PreviewSummary,
  p: Projection | undefined,
  flags: RunFlags,
  s: ReturnType<typeof paint>,
  format: CsvFormat | undefined,
  remaining: RemainingWork | undefined,
): string {
  const lines: string[] = [s.bold(`Dry run of "${safeText(campaign.name)}" — nothing was sent`)];
  const leadsFile = displayPath(campaign.leads.file);
  if (format) lines.push(`  ${leadsFile}: read as ${describeFormat(format)}`);
  if (remaining) {
    lines.push(
      // Every lead in exactly one group, so the groups add up to the total (remaining.ts).
      `  ${s.cyan("started campaign")}: previewing what remains of ${remaining.leads} leads — ${remaining.toStart.length} not contacted yet, ${remaining.followUps.length} waiting for a follow-up, ${remaining.openForReplies} open for replies, ${remaining.finished} finished (--from-scratch previews every lead as if nothing had been sent)`,
    );
  }
  const skippedTotal = sum.skipped.reduce((a, k) => a + k.count, 0);
  lines.push(`  rows read ${sum.rows} · ready ${sum.ready} · with template errors ${sum.withErrors} · skipped ${skippedTotal}`);
  for (const k of sum.skipped) {
    lines.push(`  ${s.yellow("skipped")} ${k.reason} ×${k.count}`);
    for (const r of k.rows) lines.push(`    ${leadsFile}:${r.line}: ${safeText(r.message)}`);
    if (k.count > k.rows.length) lines.push(`    … and ${k.count - k.rows.length} more`);
  }
  for (const g of sum.templateErrors) {
    if (g.scope === "template") {
      lines.push(`  ${s.red("template error")} ${g.step}: ${safeText(g.message)} — affects ${g.count} lead${g.count === 1 ? "" : "s"}`);
      continue;
    }
    lines.push(`  ${s.red("template")} ${g.step}: ${g.variable === "message" ? "" : `{{${safeText(g.variable)}}} `}${safeText(g.message)} ×${g.count} — ${g.examples.join(", ")}${g.count > g.examples.length ? ", …" : ""}`);
  }
  const names = sum.unusualNames;
  if (names.count > 0) {
    lines.push(`  ${s.yellow("names to check")} ×${names.count} — {{firstName}} had to work around these values:`);
    for (const n of names.rows) {
      lines.push(`    ${leadsFile}:${n.line} (${n.leadId}) ${n.variable} ${safeText(JSON.stringify(n.value))} → ${n.firstName === "" ? "no first name" : safeText(JSON.stringify(n.firstName))}: ${n.reason}`);
    }
    if (names.count > names.rows.length) lines.push(`    … and ${names.count - names.rows.length} more (all in --format json, as "notes")`);
  }
  if (remaining && !p) lines.push("  nothing left to send: every lead is contacted and finished, or waiting for replies");
  if (p) {
    const tz = campaign.pacing.window.timezone;
    lines.push(s.bold("Projected schedule") + s.dim(" (if nobody replies; pacing, windows and caps applied)"));
    lines.push(`  first message  ${formatInstant(p.firstSendAt, tz)}`);
    // Only while first messages remain: a started campaign with none left has no "last intro" to come.
    if (!remaining || remaining.toStart.length > 0) {
      lines.push(`  ${`last ${campaign.sequence[0]?.id ?? "first step"}`.padEnd(13)}  ${formatInstant(p.lastFirstStepAt, tz)}`);
    }
    lines.push(`  last message   ${formatInstant(p.lastSendAt, tz)}  (${formatSpan(p.lastSendAt - p.firstSendAt)} after the first)`);
    const span = p.lastSendAt - p.firstSendAt;
    if (span > 90 * 86_400_000) {
      lines.push(s.yellow(`  at this pace the campaign takes ${formatSpan(span)}: add sender accounts or raise perAccount caps (and check your plan's limits)`));
    }
    lines.push(`  busiest day    ${p.sendsPerDayPerAccount} send${p.sendsPerDayPerAccount === 1 ? "" : "s"} from one account in 24 h (caps: ${campaign.pacing.perAccount.perHour}/h, ${campaign.pacing.perAccount.perDay}/day; ${campaign.accounts.length} account${campaign.accounts.length === 1 ? "" : "s"})`);
  }
  if (flags.out) lines.push(`  full preview written to ${flags.out}${isHtmlPath(flags.out) ? " (open it in a browser)" : ""}`);
  return `\n${lines.join("\n")}\n`;
}

function openOut(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    // Owner-only, like the state: the preview holds every lead's name and message.
    const stream = createWriteStream(path, { mode: PRIVATE_FILE_MODE });
    stream.once("open", () => resolve(stream));
    stream.once("error", (err) => {
      const fault = fsFaultAsUserError(err, path, "write the preview to", { then: "then run the dry run again", sending: false });
      reject(fault instanceof UserError ? fault : new UserError(`cannot write ${path}: ${err.message}`, { cause: err }));
    });
  });
}

function closeOut(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once("error", reject);
    stream.end(() => resolve());
  });
}
