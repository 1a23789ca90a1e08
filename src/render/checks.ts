/**
 * Checks on a rendered message, before it can be sent. Each returns a message or undefined.
 */

/** X's own API accepts DM text up to 10,000 characters (reference.md §10 [XDEV]). */
export const MAX_DM_CHARACTERS = 10_000;

export function checkRenderedText(text: string): string[] {
  const problems: string[] = [];
  if (text === "") problems.push("the message is empty after rendering");
  // UTF-16 length ≥ code points, so the exact (slower) count only runs for long messages.
  if (text.length > MAX_DM_CHARACTERS) {
    const characters = [...text].length;
    if (characters > MAX_DM_CHARACTERS) {
      problems.push(`the message has ${characters} characters; X's DM limit is ${MAX_DM_CHARACTERS} (reference.md §10)`);
    }
  }
  // Leftover braces mean a typo the parser read as text (e.g. "{ {name}}") or a CSV value holding
  // template syntax; either way the lead would see it.
  if (text.includes("{{") || text.includes("}}")) {
    problems.push('the message still contains "{{" or "}}" after rendering; check the template and the lead\'s values');
  }
  return problems;
}
