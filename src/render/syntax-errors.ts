/**
 * Handlebars' parse errors in plain words. The parser says "Expecting 'CLOSE_RAW_BLOCK', 'CLOSE', …,
 * got 'INVALID'" under an excerpt with a caret; a person writing a DM template needs to know what is
 * wrong and how to write it instead. The location (line:col) is reported separately (load.ts).
 */

/** The parser's message → one sentence. `source` is the template text, `line` the 1-based line reported. */
export function explainSyntaxError(message: string, source: string, line: number | undefined): string {
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
  if (mismatch) {
    const [, opened, closed] = mismatch;
    return `{{/${closed}}} closes {{#${opened}}}: close blocks in the reverse order they were opened ({{#${opened}}}…{{/${opened}}})`;
  }
  const got = /got '([A-Z_]+)'/.exec(message)?.[1];
  const expecting = new Set([...(/Expecting (.*), got/.exec(message)?.[1] ?? "").matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]));
  const near = excerpt(source, line);
  switch (got) {
    case "EOF": {
      const open = unclosedBlock(source);
      return open
        ? `{{#${open.name}}} opened on line ${open.line} is never closed: add {{/${open.name}}} where the block ends`
        : "the template ends inside a {{…}}: close it with }}";
    }
    case "CLOSE":
      if (expecting.has("CLOSE_UNESCAPED")) return `a {{{…}}} opened with three braces is closed with two${near}`;
      return `empty {{ }}: put a variable name between the braces, e.g. {{first_name}}${near}`;
    case "CLOSE_UNESCAPED":
      return `three closing braces }}} where two were expected${near}`;
    case "INVERSE":
    case "OPEN_INVERSE":
      return `{{else}} outside a block: it belongs between {{#if …}} and {{/if}} (or #unless, #each)${near}`;
    case "OPEN_ENDBLOCK":
      return `a {{/…}} closes a block that was never opened with {{#…}}${near}`;
    case "INVALID":
      return (
        `a {{…}} here is not closed with }}, or holds a character a variable name cannot have${near}; ` +
        `write {{name}}, {{[Column with spaces]}} or its alias {{column_with_spaces}}, and quote text as "…"`
      );
    default:
      return `Handlebars cannot read the template here${got ? ` (unexpected ${got.toLowerCase().replaceAll("_", " ")})` : ""}${near}`;
  }
}

/** ` near "…"`: the reported line, trimmed to 60 characters. Empty when there is no such line. */
function excerpt(source: string, line: number | undefined): string {
  const text = line === undefined ? undefined : source.split(/\r\n|\r|\n/)[line - 1]?.trim();
  if (!text) return "";
  return ` near ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}`;
}

/** The innermost block opened and not closed, by a scan of {{#name and {{/name tags. */
function unclosedBlock(source: string): { name: string; line: number } | undefined {
  const stack: { name: string; line: number }[] = [];
  const tag = /\{\{~?\s*([#/])\s*(?:>\s*)?([^\s}~]+)/g;
  for (const m of source.matchAll(tag)) {
    const name = m[2] ?? "";
    if (m[1] === "#") stack.push({ name, line: source.slice(0, m.index).split(/\r\n|\r|\n/).length });
    else if (stack.at(-1)?.name === name) stack.pop();
  }
  return stack.at(-1);
}
