/**
 * Terminal safety: text that came from a CSV, a prospect's reply or the API is shown to a person
 * only through `safeText`. A value holding ESC could clear the screen, move the cursor to overwrite
 * the line above ("sent" where a failure was), set the window title or plant a hyperlink (OSC 8)
 * whose text lies about its target; a bidi override makes "gnp.exe" read "exe.png". Every such
 * character is replaced by a visible escape (`\x1b`, `\u202e`), so the sequence shows as text and
 * does nothing. JSON output is never passed through here: JSON.stringify escapes C0 itself, and the
 * values must stay exact for scripts.
 *
 * Made visible: C0 controls (except tab, and newline where the text is multi-line), DEL, C1 controls
 * (U+0080–U+009F: 8-bit CSI/OSC), bidi embeddings/overrides/isolates and marks (U+202A–U+202E,
 * U+2066–U+2069, U+200E, U+200F, U+061C), and the line/paragraph separators U+2028/U+2029.
 */

const UNSAFE_IN_LINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_IN_LINE_ALL = new RegExp(UNSAFE_IN_LINE.source, "g");
const UNSAFE_IN_TEXT_ALL = new RegExp(UNSAFE_IN_TEXT.source, "g");

/**
 * `text` with control and escape characters made visible. `multiline: true` keeps line feeds (a
 * message preview); otherwise a line feed shows as `\n`, so a value cannot start a fake line.
 */
export function safeText(text: string, options: { multiline?: boolean } = {}): string {
  const [test, all] = options.multiline ? [UNSAFE_IN_TEXT, UNSAFE_IN_TEXT_ALL] : [UNSAFE_IN_LINE, UNSAFE_IN_LINE_ALL];
  return test.test(text) ? text.replace(all, visible) : text;
}

/** Every string inside `value` (objects and arrays, recursively) passed through `safeText`: for whole events. */
export function safeStrings<T>(value: T): T {
  if (typeof value === "string") return safeText(value) as T;
  if (Array.isArray(value)) return value.map(safeStrings) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = safeStrings(inner);
    return out as T;
  }
  return value;
}

function visible(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x0a) return "\\n";
  if (code === 0x0d) return "\\r";
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}
