/**
 * Escaping for the HTML pages. Every value that comes from a lead (CSV cells) or a prospect (reply
 * text) is untrusted: it reaches the page only through `escapeHtml` (markup) or `jsonForScript`
 * (data read by the page's own script, which puts it in the DOM as text, never as markup).
 */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for an HTML element body or a quoted attribute value: `& < > " '` become entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for a `<script type="application/json">` block. `<` is written `\u003c` so no value can
 * close the element (`</script>`) or open a comment (`<!--`); U+2028/2029 are escaped too, so the
 * text is also valid as a JavaScript literal. `JSON.parse` of the block gives back the exact value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
