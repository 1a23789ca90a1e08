/** Plain-text tables and number formats for benchmark output (pasted into the README as is). */

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const out = [`\n${title}`, line(header), `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...cells.slice(1).map(line)];
  process.stdout.write(`${out.join("\n")}\n`);
}

export const int = (n: number): string => Math.round(n).toLocaleString("en-US");
export const fixed = (n: number, digits = 2): string => n.toFixed(digits);
export const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const verdict = (ok: boolean): string => (ok ? "PASS" : "FAIL");

export function note(text: string): void {
  process.stdout.write(`${text}\n`);
}
