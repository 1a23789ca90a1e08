/**
 * Writes the HTML preview file while the dry run streams. Lead entries go to a scratch file beside
 * the target as they are rendered (memory stays flat for any CSV size); at the end the page is
 * assembled — summary, calendar and problems first, then the scratch file's entries, then the
 * schedule — into a temporary file that is renamed over the target, so a stopped dry run never
 * leaves a half-written preview behind.
 */
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { rename, unlink } from "node:fs/promises";
import { once } from "node:events";
import type { Campaign } from "../config/types.js";
import { PRIVATE_FILE_MODE } from "../files/private-files.js";
import type { PreviewItem, PreviewSummary } from "../engine/preview.js";
import type { Lead, LeadProblem } from "../leads/types.js";
import type { Projection } from "../schedule/projection.js";
import { SendCalendar } from "./calendar.js";
import { leadEntry, ScheduleTable, skippedEntry } from "./preview-data.js";
import { LEADS_BLOCK_BREAK, LEADS_PER_BLOCK, previewPageData, previewPageHead, previewPageTail } from "./preview-page.js";

/** Bytes gathered before one write(2): 64 KiB, as the text preview does. */
const CHUNK = 65_536;

export class HtmlPreviewFile {
  private readonly items: PreviewItem[] = [];
  private readonly entries: ChunkedWriter;
  private readyLeads = 0;
  /** Entries written, ready or not: every LEADS_PER_BLOCK of them a new data block starts. */
  private entryCount = 0;
  private schedule: ScheduleTable | undefined;
  private readonly calendar: SendCalendar;

  private constructor(
    private readonly path: string,
    private readonly campaign: Campaign,
    scratch: WriteStream,
  ) {
    this.entries = new ChunkedWriter(scratch);
    this.calendar = new SendCalendar(campaign);
  }

  /** Opens the scratch file; throws the fs error (EACCES, ENOENT of the folder, …) for the caller to word. */
  static async create(path: string, campaign: Campaign): Promise<HtmlPreviewFile> {
    const scratch = createWriteStream(scratchPath(path), { mode: PRIVATE_FILE_MODE });
    await once(scratch, "open");
    return new HtmlPreviewFile(path, campaign, scratch);
  }

  /** One rendered step of the current lead (PreviewItem order: a lead's steps are consecutive). */
  item(item: PreviewItem): void {
    this.items.push(item);
  }

  /** The current lead is complete; resolves when the output can take more (backpressure). */
  lead(lead: Lead, ready: boolean): Promise<void> | undefined {
    const text = leadEntry(lead, this.items, ready);
    this.items.length = 0;
    if (ready) this.readyLeads++;
    return this.entry(text);
  }

  problem(problem: LeadProblem): Promise<void> | undefined {
    return this.entry(skippedEntry(problem));
  }

  private entry(text: string): Promise<void> | undefined {
    if (this.entryCount > 0 && this.entryCount % LEADS_PER_BLOCK === 0) this.entries.startBlock(LEADS_BLOCK_BREAK);
    this.entryCount++;
    return this.entries.element(text);
  }

  /** For `projectSchedule`'s `onSend`; call `prepareSchedule` first. */
  readonly onSend = (lead: number, step: number, account: number, at: number): void => {
    this.schedule?.record(lead, step, account, at);
    this.calendar.record(account, at);
  };

  /** Sizes the schedule table; call once every lead has been read, before the projection. */
  prepareSchedule(): void {
    this.schedule = new ScheduleTable(this.readyLeads, this.campaign.sequence.length);
  }

  /** Assembles the page and moves it into place. */
  async finish(summary: PreviewSummary, projection: Projection | undefined, generatedAt: number): Promise<void> {
    await this.entries.close();
    // Owner-only, like the state: the preview holds every lead's name and message.
    const out = createWriteStream(tempPath(this.path), { mode: PRIVATE_FILE_MODE });
    await once(out, "open");
    const writer = new ChunkedWriter(out);
    await writer.write(previewPageHead({ campaign: this.campaign, summary, ...(projection ? { projection } : {}), calendarHtml: this.calendar.html(), generatedAt }));
    for (const piece of previewPageData((this.schedule ?? new ScheduleTable(0, 0)).json())) await writer.write(piece);
    for await (const chunk of createReadStream(scratchPath(this.path))) await writer.writeRaw(chunk as Buffer);
    await writer.write(previewPageTail());
    await writer.close();
    await rename(tempPath(this.path), this.path);
    await unlink(scratchPath(this.path)).catch(() => undefined);
  }

  /** Removes the scratch and temporary files (a stopped or failed dry run). */
  async discard(): Promise<void> {
    await this.entries.close().catch(() => undefined);
    await Promise.all([unlink(scratchPath(this.path)), unlink(tempPath(this.path))].map((p) => p.catch(() => undefined)));
  }
}

function scratchPath(path: string): string {
  return `${path}.entries.partial`;
}
function tempPath(path: string): string {
  return `${path}.partial`;
}

/**
 * Joins lead entries with commas into ~64 KiB writes, waiting for 'drain' when the stream is full.
 * `write` returns a promise only when it actually has to wait, so the hot path allocates none.
 */
class ChunkedWriter {
  private buffer = "";
  private first = true;

  constructor(private readonly stream: WriteStream) {}

  write(text: string): Promise<void> | undefined {
    this.buffer += text;
    return this.buffer.length >= CHUNK ? this.flush() : undefined;
  }

  /** Ends one JSON array and starts the next with `text`: the next element gets no comma. */
  startBlock(text: string): void {
    this.buffer += text;
    this.first = true;
  }

  /** Appends one JSON array element, with the comma that separates it from the one before. */
  element(text: string): Promise<void> | undefined {
    const first = this.first;
    this.first = false;
    return this.write(first ? text : `,${text}`);
  }

  async writeRaw(chunk: Buffer): Promise<void> {
    await this.flush();
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  flush(): Promise<void> | undefined {
    if (this.buffer === "") return undefined;
    const ok = this.stream.write(this.buffer);
    this.buffer = "";
    return ok ? undefined : once(this.stream, "drain").then(() => undefined);
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.stream.writableFinished || this.stream.destroyed) return;
    await new Promise<void>((resolve, reject) => {
      this.stream.once("error", reject);
      this.stream.end(() => resolve());
    });
  }
}
