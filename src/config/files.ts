/**
 * Checks that the files a campaign names exist, before anything is sent: a missing template
 * discovered at step 2, three days into a campaign, would strand every lead. Reads the raw
 * document so these problems are reported together with schema problems.
 */
import { readdir, stat } from "node:fs/promises";
import { readRegularText } from "../files/read-regular.js";
import path from "node:path";
import { type ConfigProblem, isRecord } from "./problem.js";

/** The file-system access the loader needs; tests pass fakes. */
export interface ConfigFs {
  readFile(file: string): Promise<string>;
  /** What is at `file` (following symlinks): a regular file, a directory, something else (a FIFO, socket, device), or nothing. */
  kind(file: string): Promise<"file" | "directory" | "special" | "missing">;
  /** The names in directory `dir` ([] when it cannot be read), for "did you mean" on a missing campaign file. */
  list?(dir: string): Promise<string[]>;
}

export const nodeConfigFs: ConfigFs = {
  // Never waits on a FIFO in the campaign file's place (files/read-regular.ts).
  readFile: (file) => readRegularText(file),
  kind: async (file) => {
    const st = await stat(file).catch(() => undefined);
    return st === undefined ? "missing" : st.isFile() ? "file" : st.isDirectory() ? "directory" : "special";
  },
  list: (dir) => readdir(dir).catch(() => []),
};

/**
 * One problem per named file that is missing. `dir` is the campaign file's directory (relative
 * paths resolve from it); `show` turns an absolute path into the form used in messages.
 * The suppression file is not checked: it may not exist until the first opt-out is appended.
 */
export async function fileProblems(raw: unknown, dir: string, fs: Pick<ConfigFs, "kind">, show: (file: string) => string): Promise<ConfigProblem[]> {
  if (!isRecord(raw)) return [];
  const wanted: { path: PropertyKey[]; file: string; what: string }[] = [];
  if (isRecord(raw.leads) && typeof raw.leads.file === "string" && raw.leads.file !== "") {
    wanted.push({ path: ["leads", "file"], file: raw.leads.file, what: "leads CSV" });
  }
  if (Array.isArray(raw.steps)) {
    raw.steps.forEach((step, index) => {
      if (isRecord(step) && typeof step.template === "string" && step.template !== "") {
        wanted.push({ path: ["steps", index, "template"], file: step.template, what: "template" });
      }
    });
  }
  const found = await Promise.all(wanted.map((w) => fs.kind(path.resolve(dir, w.file))));
  return wanted.flatMap((w, i) => {
    const shown = show(path.resolve(dir, w.file));
    if (found[i] === "file") return [];
    const message =
      found[i] === "directory"
        ? `${w.what} ${shown} is a directory, not a file: name the file inside it`
        : found[i] === "special"
          ? `${w.what} ${shown} is not a regular file (a FIFO, socket or device): name a file`
          : `${w.what} not found: ${shown} (paths are relative to the campaign file)`;
    return [{ path: w.path, anchor: "value" as const, message }];
  });
}
