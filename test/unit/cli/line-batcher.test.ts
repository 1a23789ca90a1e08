import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { batchedLines } from "../../../src/cli/report/line-batcher.js";

/** A stream that records each write(2) the batcher makes. */
function recorder(): NodeJS.WritableStream & { writes: string[] } {
  const writes: string[] = [];
  return { writes, write: (chunk: string) => (writes.push(chunk), true) } as unknown as NodeJS.WritableStream & { writes: string[] };
}

describe("batched output lines (rehearsal)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes many lines as one write, in order, within 100 ms", () => {
    const out = recorder();
    const sink = batchedLines(out);
    for (let i = 1; i <= 3; i++) sink.write(`line ${i}`);
    expect(out.writes).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(out.writes).toEqual(["line 1\nline 2\nline 3\n"]);
    sink.write("line 4");
    vi.advanceTimersByTime(99);
    expect(out.writes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(out.writes).toEqual(["line 1\nline 2\nline 3\n", "line 4\n"]);
  });

  it("writes at once when 32 KB are waiting, and flush() writes the rest without waiting", () => {
    const out = recorder();
    const sink = batchedLines(out);
    const long = "x".repeat(1023);
    for (let i = 0; i < 32; i++) sink.write(long); // 32 × 1024 characters with the newlines
    expect(out.writes).toHaveLength(1);
    sink.write("tail");
    sink.flush();
    expect(out.writes).toEqual([`${long}\n`.repeat(32), "tail\n"]);
    sink.flush(); // nothing left: no empty write
    vi.advanceTimersByTime(1000);
    expect(out.writes).toHaveLength(2);
  });
});
