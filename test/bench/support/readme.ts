/**
 * Writes benchmark figures into README.md: each benchmark owns the lines between
 * `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`, inside the README's
 * `<!-- bench:start -->` … `<!-- bench:end -->` section. Running a subset rewrites only its own blocks.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { BenchReport } from "./figures.js";

const SECTION_END = "<!-- bench:end -->";

export function renderBlock(report: BenchReport, when: string, load: string): string {
  const rows = report.figures.map((f) => `| ${[f.what, f.ours, f.baseline || "–", f.ratio || "–", f.target, f.verdict ? `**${f.verdict}**` : ""].join(" | ")} |`);
  return [
    `<!-- bench:${report.name}:start -->`,
    `**${report.name}** — ${when}; ${load}.`,
    "",
    "| figure | ours | baseline (same session) | ours ÷ baseline | target | |",
    "|---|---|---|---|---|---|",
    ...rows,
    `<!-- bench:${report.name}:end -->`,
  ].join("\n");
}

/** Replaces (or adds, before the section's end) the benchmark's block. */
export async function writeReadmeBlock(readme: string, name: string, block: string): Promise<void> {
  const text = await readFile(readme, "utf8");
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  let next: string;
  if (i >= 0 && j > i) next = text.slice(0, i) + block + text.slice(j + end.length);
  else {
    const k = text.indexOf(SECTION_END);
    if (k < 0) throw new Error(`${readme} has no "${SECTION_END}" marker to write the benchmark figures before`);
    next = `${text.slice(0, k)}${block}\n\n${text.slice(k)}`;
  }
  await writeFile(readme, next);
}
