import { describe, expect, it } from "vitest";
import { IdIndex } from "../../../src/leads/id-index.js";

describe("IdIndex", () => {
  it("remembers the first line of each id and nothing else", () => {
    const index = new IdIndex(4);
    index.set("1876543210987654321", 2);
    index.set("1876543210987654321", 9); // a later duplicate does not move the first line
    index.set("42", 3);
    expect(index.get("1876543210987654321")).toBe(2);
    expect(index.get("42")).toBe(3);
    expect(index.get("43")).toBeUndefined();
    expect(index.count).toBe(2);
  });

  it("keeps ids apart that are equal as numbers but not as strings, and 20-digit ids", () => {
    const index = new IdIndex();
    index.set("123", 1);
    index.set("0123", 2);
    index.set("18446744073709551615", 3); // 2^64 - 1: the largest X id
    index.set("18446744073709551614", 4);
    expect([index.get("123"), index.get("0123"), index.get("18446744073709551615"), index.get("18446744073709551614")]).toEqual([1, 2, 3, 4]);
  });

  it("grows past its initial capacity without losing entries (200,000 ids)", () => {
    const index = new IdIndex(2);
    const ids = Array.from({ length: 200_000 }, (_, i) => String(1_700_000_000_000_000_000n + BigInt(i) * 7919n));
    ids.forEach((id, i) => index.set(id, i + 2));
    expect(index.count).toBe(ids.length);
    expect(ids.every((id, i) => index.get(id) === i + 2)).toBe(true);
    expect(index.get("1700000000000000001")).toBeUndefined();
  });
});
