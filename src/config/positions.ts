/**
 * Places problems in the YAML source: document path → line and column, using the node ranges
 * the `yaml` parser keeps and a LineCounter.
 */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { Problem } from "../errors.js";
import { type ConfigProblem, formatPath } from "./problem.js";

interface Located {
  /** The key node of the map entry that holds this level, if it is a map entry. */
  key?: Node;
  /** The value node at this level, if present in the source. */
  value?: Node;
}

/** The nodes along `path`, root first; shorter than path + 1 when the path leaves the source. */
function walk(doc: Document, path: readonly PropertyKey[]): Located[] {
  const root = doc.contents ?? undefined;
  const out: Located[] = [root ? { value: root } : {}];
  let node: unknown = root;
  for (const key of path) {
    if (isMap(node)) {
      // Compare as strings: `1: x` has a numeric key in the source but a string one in the parsed value.
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      if (!pair) break;
      const located: Located = {};
      if (pair.key && typeof pair.key === "object") located.key = pair.key as Node;
      if (pair.value && typeof pair.value === "object") located.value = pair.value as Node;
      out.push(located);
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number" && node.items[key] !== undefined) {
      const item = node.items[key];
      out.push(item && typeof item === "object" ? { value: item as Node } : {});
      node = item;
    } else break;
  }
  return out;
}

const start = (node: Node | undefined): number | undefined => node?.range?.[0];

/** Source offset a problem points at, or undefined when the document is empty. */
export function offsetOf(doc: Document, problem: ConfigProblem): number | undefined {
  const levels = walk(doc, problem.path);
  const full = problem.path.length;
  if (problem.anchor === "key" && levels.length === full + 1) {
    const here = levels[full];
    return start(here?.key) ?? start(here?.value);
  }
  // A missing key points at the mapping that should hold it (its key line, or its first entry).
  const depth = problem.anchor === "parent" ? Math.min(full - 1, levels.length - 1) : levels.length - 1;
  for (let d = Math.max(depth, 0); d >= 0; d--) {
    const level = levels[d];
    const offset = problem.anchor === "parent" ? start(level?.key) ?? start(level?.value) : start(level?.value) ?? start(level?.key);
    if (offset !== undefined) return offset;
  }
  return undefined;
}

/** Problems with file, line, column and display path; sorted by position so they read top to bottom. */
export function locateProblems(doc: Document, lines: LineCounter, file: string, problems: readonly ConfigProblem[]): Problem[] {
  return problems
    .map((p) => {
      const offset = offsetOf(doc, p);
      const pos = offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
      const located: Problem = { file, line: pos.line, column: pos.col, message: p.message };
      const shown = formatPath(p.path);
      if (shown !== "") located.path = shown;
      return located;
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
