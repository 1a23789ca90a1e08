/** Checksums for the large files status keeps (platform/lead-roster.ts, platform/state-facts.ts). */
import * as zlib from "node:zlib";

/**
 * A checksum of `bytes` for the large kept files (a CSV's rows, a snapshot's facts: megabytes), as 8
 * hex digits: zlib's CRC-32 (native: ~1 ms for 5 MB, where FNV-1a in JavaScript took ~20 ms), or on a
 * Node.js 20 older than 20.15 (no `zlib.crc32`) FNV-1a over the 32-bit little-endian words in four
 * interleaved lanes. Catches a file damaged or edited by hand, as `checksum` does; not an adversary.
 */
export function bytesChecksum(bytes: Uint8Array): string {
  const crc = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  return crc ? crc(bytes).toString(16).padStart(8, "0") : laneChecksum(bytes);
}

/** FNV-1a over the 32-bit little-endian words of `bytes` in four interleaved lanes, then the lanes and the last bytes (8 hex digits). */
export function laneChecksum(bytes: Uint8Array): string {
  const words = bytes.length >>> 2;
  // A copy when unaligned (Uint8Array's slice: a Buffer's slice would share the pool's memory).
  const view = bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, words) : new Int32Array(Uint8Array.prototype.slice.call(bytes, 0, words * 4).buffer);
  let a = 0x811c9dc5;
  let b = 0x01000193;
  let c = 0x9e3779b9;
  let d = 0x7f4a7c15;
  let i = 0;
  for (; i + 3 < words; i += 4) {
    a = Math.imul(a ^ view[i]!, 0x01000193);
    b = Math.imul(b ^ view[i + 1]!, 0x01000193);
    c = Math.imul(c ^ view[i + 2]!, 0x01000193);
    d = Math.imul(d ^ view[i + 3]!, 0x01000193);
  }
  for (; i < words; i++) a = Math.imul(a ^ view[i]!, 0x01000193);
  let h = 0x811c9dc5;
  for (const lane of [a, b, c, d, bytes.length]) h = Math.imul(h ^ lane, 0x01000193);
  for (let k = words * 4; k < bytes.length; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
