/**
 * Loads campaign.yaml: read → YAML (with positions) → schema → cross-field rules → file checks,
 * collecting every problem so the user fixes them in one pass; then normalises to `Campaign`.
 */
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { type Problem, UserError } from "../errors.js";
import { describeFsFault, isFsFault } from "../files/fs-faults.js";
import type { Campaign } from "./types.js";
import { displayPath } from "./display-path.js";
import { type ConfigFs, fileProblems, nodeConfigFs } from "./files.js";
import { validateSchema } from "./messages.js";
import { normaliseCampaign } from "./normalise.js";
import { locateProblems } from "./positions.js";
import { suggest } from "./problem.js";
import { ruleProblems } from "./rules.js";

export interface LoadOptions {
  /** Directory relative paths on the command line resolve from, and messages are shown relative to. Default: process.cwd(). */
  cwd?: string;
  /** Default: the real file system. */
  fs?: ConfigFs;
}

/**
 * Where to start a campaign from, for hints. Not campaigns/example.yaml: that path exists only in a
 * clone of the repository, while `outreach init` works wherever the CLI is installed.
 */
const START_HINT = "`outreach init <folder>` writes a small working campaign, with comments";

export { displayPath };

export async function loadCampaign(file: string, options: LoadOptions = {}): Promise<Campaign> {
  const cwd = options.cwd ?? process.cwd();
  const fs = options.fs ?? nodeConfigFs;
  const absolute = path.resolve(cwd, file);
  const shown = displayPath(file, cwd);

  let text: string;
  try {
    text = await fs.readFile(absolute);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ENOENT") {
      const near = await nearbyCampaign(fs, absolute);
      const guess = near === undefined ? "check the path" : `did you mean ${displayPath(near, cwd)}?`;
      throw new UserError(`campaign file not found: ${shown}`, { hint: `${guess} (or start a new one: ${START_HINT})`, cause });
    }
    if (isFsFault(cause)) {
      const { message, hint } = describeFsFault(cause, shown, "read the campaign file");
      throw new UserError(message, { hint, cause });
    }
    throw new UserError(`cannot read campaign file ${shown}: ${(cause as Error).message}`, { cause });
  }

  const { campaign, problems } = await checkCampaignText(text, absolute, { fs, show: (p) => displayPath(p, cwd), shown });
  if (campaign) return campaign;
  throw new UserError(`${shown} has ${problems.length} problem${problems.length === 1 ? "" : "s"}`, {
    problems,
    hint: `fix them and run again (to compare with a campaign that works: ${START_HINT})`,
  });
}

/** The *.yaml / *.yml file beside `absolute` whose name is closest to it, if one is close. */
async function nearbyCampaign(fs: ConfigFs, absolute: string): Promise<string | undefined> {
  const dir = path.dirname(absolute);
  const names = ((await fs.list?.(dir)) ?? []).filter((n) => /\.ya?ml$/i.test(n));
  const wanted = path.basename(absolute);
  const guess = suggest(wanted, names);
  return guess === undefined ? undefined : path.join(dir, guess);
}

/**
 * Everything `loadCampaign` does after reading the file; exported so tests can feed text directly.
 * Returns the campaign, or every problem found (never both).
 */
export async function checkCampaignText(
  text: string,
  file: string,
  options: { fs?: Pick<ConfigFs, "kind">; show?: (file: string) => string; shown?: string } = {},
): Promise<{ campaign?: Campaign; problems: Problem[] }> {
  const shown = options.shown ?? file;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    // The structure is unreliable after a syntax error, so schema problems would only add noise.
    return {
      problems: doc.errors.map((error) => {
        const first = error.message.split("\n")[0] ?? error.message;
        const reason = first.replace(/ at line \d+, column \d+:?$/, "");
        return {
          file: shown,
          line: error.linePos?.[0].line ?? 1,
          column: error.linePos?.[0].col ?? 1,
          message: `invalid YAML: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`,
        };
      }),
    };
  }

  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (cause) {
    // e.g. an alias expanding too far ("billion laughs"): yaml refuses it rather than exhaust memory.
    return { problems: [{ file: shown, line: 1, column: 1, message: `invalid YAML: ${(cause as Error).message}` }] };
  }
  const schema = validateSchema(raw);
  const found = [
    ...schema.problems,
    ...ruleProblems(raw),
    ...(await fileProblems(raw, path.dirname(file), options.fs ?? nodeConfigFs, options.show ?? ((p) => p))),
  ];
  if (found.length > 0 || !schema.data) return { problems: locateProblems(doc, lines, shown, found) };
  return { campaign: normaliseCampaign(schema.data, file), problems: [] };
}
