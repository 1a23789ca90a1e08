/**
 * id → line of its first row, for duplicate detection over a CSV of any size. A Map of 1,000,000
 * 19-digit strings costs ~70 MB of JS heap plus GC work on every collection; this open-addressing
 * table keeps each id as two exact doubles in typed arrays (~20 bytes a slot, no per-entry
 * objects), which is what keeps a 1M-lead dry run within its memory budget.
 *
 * An id (1–20 digits) is split into its last 10 digits and the rest, both below 1e10 and so exact
 * as doubles; the rest also carries the string's length, so "0123" and "123" stay distinct.
 */
const EMPTY = -1;

export class IdIndex {
  private hi: Float64Array;
  private lo: Float64Array;
  private lines: Int32Array;
  private size = 0;

  constructor(initialCapacity = 1 << 12) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.hi = new Float64Array(cap);
    this.lo = new Float64Array(cap);
    this.lines = new Int32Array(cap).fill(EMPTY);
  }

  get count(): number {
    return this.size;
  }

  /** The line recorded for `id`, or undefined. `id` must be 1–20 ASCII digits. */
  get(id: string): number | undefined {
    const [h, l] = split(id);
    const i = this.find(h, l);
    const line = this.lines[i]!;
    return line === EMPTY ? undefined : line;
  }

  /** Records `id` at `line` unless it is already there. */
  set(id: string, line: number): void {
    const [h, l] = split(id);
    const i = this.find(h, l);
    if (this.lines[i] !== EMPTY) return;
    this.hi[i] = h;
    this.lo[i] = l;
    this.lines[i] = line;
    if (++this.size * 2 > this.lines.length) this.grow();
  }

  private find(h: number, l: number): number {
    const mask = this.lines.length - 1;
    let i = hash(h, l) & mask;
    while (this.lines[i] !== EMPTY && (this.hi[i] !== h || this.lo[i] !== l)) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const { hi, lo, lines } = this;
    const cap = lines.length * 2;
    this.hi = new Float64Array(cap);
    this.lo = new Float64Array(cap);
    this.lines = new Int32Array(cap).fill(EMPTY);
    for (let j = 0; j < lines.length; j++) {
      if (lines[j] === EMPTY) continue;
      const i = this.find(hi[j]!, lo[j]!);
      this.hi[i] = hi[j]!;
      this.lo[i] = lo[j]!;
      this.lines[i] = lines[j]!;
    }
  }
}

function split(id: string): [number, number] {
  const cut = Math.max(0, id.length - 10);
  const rest = cut === 0 ? 0 : Number(id.slice(0, cut));
  return [rest + id.length * 1e10, Number(id.slice(cut))];
}

function hash(h: number, l: number): number {
  // Mix both halves' low and high 32-bit words (murmur3's finaliser constants).
  let x = Math.imul((l >>> 0) ^ Math.imul((l / 4294967296) | 0, 0x9e3779b1), 0x85ebca6b);
  x ^= Math.imul((h >>> 0) ^ ((h / 4294967296) | 0), 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
