/**
 * One rule for every CSV value: trimmed of whitespace and invisible characters at both ends, and
 * empty when nothing visible is left. Names copied from X profiles or web pages often hold a
 * zero-width space (U+200B), a word joiner (U+2060), a no-break space or a Hangul filler (U+3164,
 * the classic "invisible name"); a value made only of those must count as empty, or strict
 * rendering lets "Hi ​," through.
 *
 * Invisible = Unicode White_Space, Default_Ignorable_Code_Point (which covers every format
 * character (Cf), the variation selectors and the Hangul fillers) and the Braille blank U+2800.
 * At the end of a value, variation selectors and tag characters are kept: they belong to the emoji
 * before them ("❤️" is U+2764 U+FE0F; a subdivision flag ends in tag characters).
 */

const INVISIBLE = String.raw`\p{White_Space}\p{Default_Ignorable_Code_Point}\u{2800}`;
const LEADING = new RegExp(`^[${INVISIBLE}]+`, "u");
// The `v` flag's set difference: invisible, except what completes the emoji before it.
const TRAILING = new RegExp(String.raw`[[${INVISIBLE}]--[\p{Variation_Selector}\u{E0020}-\u{E007F}]]+$`, "v");
const ONLY_INVISIBLE = new RegExp(`^[${INVISIBLE}]*$`, "u");

/**
 * `value` trimmed of invisible characters at both ends; "" when it holds nothing visible. Fast path:
 * a value that starts and ends with a printable ASCII character is returned as is (almost all).
 */
export function cleanValue(value: string): string {
  const n = value.length;
  if (n === 0) return value;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  if (first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f) return value;
  if (ONLY_INVISIBLE.test(value)) return "";
  return value.replace(LEADING, "").replace(TRAILING, "");
}
