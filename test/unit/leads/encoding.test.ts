import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { detectDelimiter } from "../../../src/leads/delimiter.js";
import { createDecoder, detectEncoding, firstInvalidByte } from "../../../src/leads/encoding.js";
import { readLeads } from "../../../src/leads/read-leads.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "encoding-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("detectEncoding", () => {
  it.each([
    ["UTF-8 BOM", [0xef, 0xbb, 0xbf, 0x61], undefined, { name: "utf-8", bomBytes: 3, source: "bom" }],
    ["UTF-16 LE BOM", [0xff, 0xfe, 0x61, 0], undefined, { name: "utf-16le", bomBytes: 2, source: "bom" }],
    ["UTF-16 BE BOM", [0xfe, 0xff, 0, 0x61], undefined, { name: "utf-16be", bomBytes: 2, source: "bom" }],
    ["a BOM wins over the setting", [0xef, 0xbb, 0xbf, 0x61], "windows-1252", { name: "utf-8", bomBytes: 3, source: "bom" }],
    ["the setting without a BOM", [0x61, 0x62], "windows-1252", { name: "windows-1252", bomBytes: 0, source: "configured" }],
    ["UTF-16 LE that lost its BOM", [0x69, 0, 0x64, 0, 0x2c, 0, 0x6e, 0], undefined, { name: "utf-16le", bomBytes: 0, source: "nul-bytes" }],
    ["plain bytes: strict UTF-8", [0x69, 0x64, 0x2c], undefined, { name: "utf-8", bomBytes: 0, source: "default" }],
  ])("%s", (_name, bytes, configured, expected) => {
    expect(detectEncoding(Uint8Array.from(bytes), configured)).toEqual(expected);
  });
});

describe("detectDelimiter", () => {
  it.each([
    ["id,name,company\n1,a,b", ",", "detected"],
    ["id;name;company\r\n", ";", "detected"],
    ["id\tname\tcompany", "\t", "detected"],
    ["id|name|company", "|", "detected"],
    ['"a,b";c;d\n', ";", "detected"], // a delimiter inside quotes does not count
    ["x_user_id\n1\n", ",", "default"], // one column
  ])("%j → %j (%s)", (sample, delimiter, source) => {
    expect(detectDelimiter(sample)).toEqual({ delimiter, source });
  });
});

describe("strict UTF-8", () => {
  it("finds the first invalid sequence (overlong, surrogate, stray continuation, truncated)", () => {
    expect(firstInvalidByte(Buffer.from("abc"))).toBe(3);
    expect(firstInvalidByte(Uint8Array.from([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidByte(Uint8Array.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidByte(Uint8Array.from([0x80]))).toBe(0);
    expect(firstInvalidByte(Uint8Array.from([0x61, 0xe2, 0x82]))).toBe(1);
  });

  it("passes a character split between two chunks, and fails a truncated one at the end", async () => {
    const run = async (chunks: number[][]): Promise<string> => {
      const decoder = createDecoder({ name: "utf-8", bomBytes: 0, source: "default" }, join(dir, "none.csv"));
      const out: Buffer[] = [];
      decoder.on("data", (b: Buffer) => out.push(b));
      const ended = new Promise<void>((resolve, reject) => decoder.on("end", resolve).on("error", reject));
      for (const c of chunks) decoder.write(Buffer.from(c));
      decoder.end();
      await ended;
      return Buffer.concat(out).toString("utf8");
    };
    expect(await run([[0x61, 0xe2, 0x82], [0xac, 0x62]])).toBe("a€b");
    expect(await run([[0xf0], [0x9f, 0x9a], [0x80]])).toBe("🚀");
    await expect(run([[0x61, 0xe2, 0x82]])).rejects.toThrow(/not UTF-8/);
  });

  it("reads multi-byte characters across the 64 KB read chunks without a false alarm", async () => {
    // "é" (2 bytes) and "€" (3 bytes) straddle every chunk boundary somewhere in 200 KB of rows.
    const rows = Array.from({ length: 6000 }, (_, i) => `17200000000${String(i + 1).padStart(8, "0")},Zé€${"x".repeat(i % 7)}`);
    const file = join(dir, "long.csv");
    await writeFile(file, `x_user_id,name\n${rows.join("\n")}\n`);
    let leads = 0;
    for await (const r of readLeads({ leads: { file, idColumn: "x_user_id" } }, { suppressed: new Set() })) {
      if (r.kind === "lead" && r.lead.fields.name?.startsWith("Zé€")) leads++;
    }
    expect(leads).toBe(6000);
  });

  it("an invalid byte after many valid chunks: its line and absolute offset", async () => {
    const head = `x_user_id,name\n${Array.from({ length: 5000 }, (_, i) => `17200000000${String(i + 1).padStart(8, "0")},Zoë`).join("\n")}\n`;
    const file = join(dir, "late.csv");
    await writeFile(file, Buffer.concat([Buffer.from(head), Buffer.from("1720000000000009999,Ren\xe9e\n", "latin1")]));
    const error = await (async () => {
      for await (const _ of readLeads({ leads: { file, idColumn: "x_user_id" } }, { suppressed: new Set() })) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const problem = (error as UserError).details.problems?.[0];
    expect(problem?.line).toBe(5002);
    expect(problem?.message).toMatch(new RegExp(`^byte 0xE9 at byte offset ${Buffer.byteLength(head) + 23} is not valid UTF-8`));
  });
});
