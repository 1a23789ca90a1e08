/**
 * What every benchmark hands to `npm run bench` (run-all.ts): its figures, each with the baseline it
 * was measured against in the same session and the target it answers. run-all writes them into the
 * README between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`, so the README shows
 * only figures the bench printed. A benchmark run on its own just prints them.
 */
export interface Figure {
  /** What was measured, e.g. "Live run, 100,000 leads: peak RSS". */
  what: string;
  /** Our figure, formatted with its unit. */
  ours: string;
  /** The baseline measured in the same session, formatted; "" when the target is absolute. */
  baseline: string;
  /** Ours ÷ baseline as min and median over the pairs, e.g. "1.21× / 1.30× (3 pairs)"; "" when none. */
  ratio: string;
  target: string;
  /** "PASS" / "FAIL" against the target, "" for a figure that has none. */
  verdict: string;
}

export interface BenchReport {
  name: string;
  figures: Figure[];
}

/** Sends the figures to run-all (when started by it), or prints them. */
export function reportFigures(name: string, figures: Figure[]): Promise<void> {
  const report: BenchReport = { name, figures };
  if (!process.send) {
    for (const f of figures) process.stdout.write(`${f.what}: ${f.ours} (baseline ${f.baseline || "–"}, ratio ${f.ratio || "–"}, target ${f.target}) ${f.verdict}\n`);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => process.send!({ benchReport: report }, undefined, {}, (err: Error | null) => (err ? reject(err) : resolve())));
}

/** Min and median of a list (median of an even count: the mean of the middle two). */
export function minMedian(values: readonly number[]): { min: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median };
}

/** "min 1.21× · median 1.30× (3 pairs)" for the ratios ours[i] / base[i]. */
export function ratioText(ours: readonly number[], base: readonly number[]): { text: string; min: number; median: number } {
  const { min, median } = minMedian(ours.map((o, i) => o / base[i]!));
  return { text: `min ${min.toFixed(2)}× · median ${median.toFixed(2)}× (${ours.length} pair${ours.length === 1 ? "" : "s"})`, min, median };
}

/**
 * Runs `pairs` baseline/ours pairs back to back, alternating which goes first, so drift in the
 * machine's load hits both alike. Returns the results in pair order.
 */
export async function interleave<B, O>(pairs: number, baseline: () => Promise<B>, ours: () => Promise<O>): Promise<{ base: B[]; ours: O[] }> {
  const out = { base: [] as B[], ours: [] as O[] };
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      out.base.push(await baseline());
      out.ours.push(await ours());
    } else {
      out.ours.push(await ours());
      out.base.push(await baseline());
    }
  }
  return out;
}
