import { open, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { UserError } from "../errors.js";
import { ensurePrivateDir, openPrivateAppend } from "../files/private-files.js";

/**
 * The do-not-contact list: one X user id per line; `#` starts a comment (to the end of the line);
 * blank lines are ignored. A missing file is an empty list: most campaigns start without one, and
 * the first opt-out creates it.
 */
export async function loadSuppression(file?: string): Promise<Set<string>> {
  const ids = new Set<string>();
  if (file === undefined) return ids;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return ids;
    throw new UserError(`Suppression file ${file} cannot be read.`, {
      problems: [{ file, message: "suppression file cannot be read" }],
      hint: "Check the campaign's suppression path and the file's permissions.",
      cause: error,
    });
  }
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const hash = rawLine.indexOf("#");
    // Only the first word counts, so "123  # opted out" and "123 some note" both suppress 123.
    const id = (hash < 0 ? rawLine : rawLine.slice(0, hash)).trim().split(/\s+/, 1)[0];
    if (id) ids.add(id.replace(/^\uFEFF/, ""));
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
