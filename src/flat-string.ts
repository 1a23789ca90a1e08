/**
 * `s` as one contiguous string, for strings kept a long time. V8 builds a long `JSON.stringify`
 * result as a tree of pieces (a "cons string": ~230 bytes for a 130-character lead line, against
 * ~140 flat); reading a character flattens the tree in place, and the collector then drops the
 * pieces. Measured on Node 20: 200,000 lines, 233 → 138 bytes each, no extra time.
 */
export function flatString(s: string): string {
  s.charCodeAt(0);
  return s;
}
