import { UserError, formatProblem } from "../errors.js";
import type { Campaign } from "../config/types.js";
import { delimiterMismatch, type CsvDelimiter } from "./delimiter.js";

/** Where each configured column sits in the header row. */
export interface ColumnLayout {
  /** Header names in file order, trimmed; index = cell index. */
  names: string[];
  idIndex: number;
  usernameIndex: number | undefined;
  timezoneIndex: number | undefined;
}

/**
 * Finds the configured columns in the header. A missing column is a file-level mistake (every row
 * would fail the same way), so it throws one UserError rather than producing a problem per row.
 */
export function locateColumns(leads: Campaign["leads"], header: readonly string[], delimiter?: CsvDelimiter): ColumnLayout {
  const names = header.map((h) => h.trim());
  const wanted: [option: string, column: string | undefined][] = [
    ["leads.idColumn", leads.idColumn],
    ["leads.usernameColumn", leads.usernameColumn],
    ["leads.timezoneColumn", leads.timezoneColumn],
  ];
  const problems = [];
  for (const [option, column] of wanted) {
    if (column === undefined || names.includes(column)) continue;
    const guess = closestName(column, names);
    problems.push({
      file: leads.file,
      line: 1,
      path: option,
      message:
        `column "${column}" is not in the header; the columns are ${names.map((n) => `"${n}"`).join(", ")}` +
        (guess === undefined ? "" : `. Did you mean "${guess}"?`),
    });
  }
  // Two columns with one name would make `fields` and template variables ambiguous.
  const seen = new Set<string>();
  for (const name of names) {
    if (name !== "" && seen.has(name)) {
      problems.push({ file: leads.file, line: 1, message: `column "${name}" appears more than once in the header` });
    }
    seen.add(name);
  }
  if (problems.length > 0) {
    // A whole header in one cell is a delimiter problem, not a naming one: say so instead.
    const mismatch = delimiter === undefined ? undefined : delimiterMismatch(names, delimiter);
    if (mismatch !== undefined) {
      const problem = { file: leads.file, line: 1, path: "leads.delimiter", message: mismatch };
      throw new UserError(formatProblem(problem), {
        problems: [problem],
        hint: "Set leads.delimiter to the file's separator (or remove it to let outreach detect it from the header line).",
      });
    }
    throw new UserError(problems.map(formatProblem).join("\n"), {
      problems,
      hint: "Rename the column in the CSV's first line, or point the campaign's leads options at an existing column.",
    });
  }
  const indexOf = (column: string | undefined): number | undefined =>
    column === undefined ? undefined : names.indexOf(column);
  return {
    names,
    idIndex: names.indexOf(leads.idColumn),
    usernameIndex: indexOf(leads.usernameColumn),
    timezoneIndex: indexOf(leads.timezoneColumn),
  };
}

/** The header name nearest to `wanted`: case-insensitive edit distance ≤ a third of its length (at least 1). */
export function closestName(wanted: string, names: readonly string[]): string | undefined {
  const target = wanted.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(target.length / 3)) + 1;
  for (const name of names) {
    const d = editDistance(target, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
