import { open } from "node:fs/promises";
import { readRegularText } from "../files/read-regular.js";
import { dirname } from "node:path";
import { UserError, type Problem } from "../errors.js";
import { ensurePrivateDir, openPrivateAppend } from "../files/private-files.js";
import { checkIdCell, spreadsheetIdMessage } from "./lead-id.js";
import { cleanValue } from "./values.js";

/** Where the do-not-contact list is, and whether it may not exist yet. */
export interface SuppressionSource {
  /** Absolute path; undefined = the campaign has no list. */
  file: string | undefined;
  /**
   * true (campaign: `suppression: {file, create: true}`): a missing file is an empty list that the
   * first opt-out creates. Otherwise a missing file is an error: a misspelt path must never mean
   * "nobody is suppressed".
   */
  mayBeMissing?: boolean;
}

/**
 * The do-not-contact list: one X user id per line; `#` starts a comment (to the end of the line);
 * blank lines are ignored; words after the id are a note. Every line whose first word is not an
 * X user id is reported at once, with its line number (UserError): an entry we cannot honour is
 * someone we might message against their wish.
 */
export async function loadSuppression(source: SuppressionSource): Promise<Set<string>> {
  const ids = new Set<string>();
  const { file } = source;
  if (file === undefined) return ids;
  let text: string;
  try {
    text = await readRegularText(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && source.mayBeMissing) return ids;
    const what =
      code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : code === "ENOTFILE" ? "is not a regular file (a FIFO, socket or device)" : "cannot be read";
    throw new UserError(`suppression file ${file} ${what}; nothing was sent`, {
      problems: [{ file, message: `suppression file ${what}` }],
      hint:
        code === "ENOENT"
          ? "Check the campaign's suppression path (relative to the campaign file). To start without a list, write suppression: { file: …, create: true }."
          : "Check the campaign's suppression path and the file's permissions.",
      cause: error,
    });
  }
  const problems: Problem[] = [];
  text.split(/\r\n|\r|\n/).forEach((rawLine, index) => {
    const hash = rawLine.indexOf("#");
    // Only the first word counts, so "123  # opted out" and "123 some note" both suppress 123.
    const word = cleanValue((hash < 0 ? rawLine : rawLine.slice(0, hash)).replace(/^\uFEFF/, "")).split(/\s+/, 1)[0] ?? "";
    if (word === "") return;
    const verdict = checkIdCell(word);
    if (verdict.kind === "ok") ids.add(word);
    else {
      const why = verdict.kind === "spreadsheet" ? spreadsheetIdMessage(verdict.what) : `"${word}" is not an X user id; ${verdict.kind === "malformed" ? verdict.hint : "an X user id is 1–20 digits"}`;
      problems.push({ file, line: index + 1, message: why });
    }
  });
  if (problems.length > 0) {
    throw new UserError(`${problems.length} line${problems.length === 1 ? "" : "s"} of the suppression file cannot be honoured; nothing was sent`, {
      problems,
      hint: "Each line is one numeric X user id (words after it and anything after # are notes). Fix the lines or comment them out with #.",
    });
  }
  return ids;
}

/**
 * Appends `id  # note` as one line, creating the file (0600, and its folder 0700) if needed. One write
 * per line: O_APPEND writes of a short line are not interleaved with another process's, which
 * is atomic enough for a list only ever appended to. If the user's last line has no newline we add
 * one first, or the id would be glued onto it.
 */
export async function appendSuppression(file: string, id: string, note: string): Promise<void> {
  if (!/^\S+$/.test(id) || id.includes("#")) throw new Error(`appendSuppression: invalid id ${JSON.stringify(id)}`);
  // A note is free text (e.g. the reply that opted out); it must stay on its own line's comment.
  const comment = note.replace(/[\r\n]+/g, " ").trim();
  await ensurePrivateDir(dirname(file));
  const separator = (await endsWithoutNewline(file)) ? "\n" : "";
  // Created 0600: it holds the ids of people who asked not to be contacted, and their words.
  const fh = await openPrivateAppend(file, { followLinks: true });
  try {
    await fh.write(`${separator}${id}${comment ? `  # ${comment}` : ""}\n`, null, "utf8");
  } finally {
    await fh.close();
  }
}

async function endsWithoutNewline(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a && last[0] !== 0x0d;
  } finally {
    await handle.close();
  }
}
