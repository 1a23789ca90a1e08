/**
 * Deterministic identifiers and randomness. Everything the sandbox "makes up" (ids, which prospects
 * reply, which requests fail) derives from the seed, so a run can be replayed exactly.
 */
import * as crypto from "node:crypto";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
/** Inbox ids are cuid2: 24 characters of [0-9a-z], first one a letter (reference.md §1; v1 pattern ^[0-9a-z]+$). */
const ID_LENGTH = 24;

/**
 * The one-shot `crypto.hash` (Node ≥ 20.12; a namespace import, so older Node 20 still loads this
 * file) gives the same digest as createHash().update().digest() in about half the time: a rehearsal
 * hashes ~20 times per send (ids, profiles, who replies).
 */
const sha256Hex: (data: string) => string =
  typeof crypto.hash === "function"
    ? (data) => crypto.hash("sha256", data, "hex")
    : (data) => crypto.createHash("sha256").update(data).digest("hex");

/** SHA-256 over the parts, separated by NUL so ("a","bc") and ("ab","c") differ. */
export function hashHex(...parts: string[]): string {
  return sha256Hex(parts.join("\u0000"));
}

/** A stable number in [0, 1) for the parts (52 bits of the hash: exact in a double). */
export function hashUnit(...parts: string[]): number {
  return parseInt(hashHex(...parts).slice(0, 13), 16) / 2 ** 52;
}

/** A cuid2-shaped id that is a pure function of the parts. */
export function stableId(...parts: string[]): string {
  const hex = hashHex(...parts);
  const first = LETTERS[parseInt(hex.slice(0, 2), 16) % LETTERS.length] ?? "a";
  const rest = BigInt(`0x${hex.slice(2)}`).toString(36).padStart(ID_LENGTH, "0");
  return first + rest.slice(0, ID_LENGTH - 1);
}

/**
 * Issues ids per kind ("message", "thread", …) from one counter per kind, so that adding a tag does not
 * shift every later message id: the n-th message of a run always gets the same id for the same seed.
 */
export class IdGenerator {
  private readonly counters = new Map<string, number>();

  constructor(private readonly seed: string) {}

  next(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return stableId(this.seed, kind, String(n));
  }
}

/** mulberry32: tiny, fast, good enough to decide faults; one stream per purpose keeps them independent. */
export function seededRandom(...parts: string[]): () => number {
  let state = parseInt(hashHex(...parts).slice(0, 8), 16) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Twitter's snowflake epoch (2010-11-04T01:42:54.657Z): X message ids encode their creation time. */
const SNOWFLAKE_EPOCH = 1288834974657n;

/** An X-style numeric message id for a message created at `ms`; `sequence` separates ids in one ms. */
export function snowflake(ms: number, sequence: number): string {
  const since = BigInt(Math.max(0, Math.floor(ms))) - SNOWFLAKE_EPOCH;
  return ((since > 0n ? since : 0n) << 22n | BigInt(sequence & 0x3fffff)).toString();
}
