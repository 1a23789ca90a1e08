/**
 * Why block spins are marked in the template, not split after rendering: `{{#spin}}Hi {{name}}|Hey
 * {{name}}{{/spin}}` used to render the block and split the result on "|", so a lead whose name was
 * "Jo|Ann" (or held "{{", "|", any text) changed the alternatives. Now the "|" separators of the
 * template's own text are replaced, once at parse time, by a token no value can contain (random per
 * process, private-use characters), and the helper splits on that token only. A value can still
 * contain "|": it is then just text inside the chosen alternative.
 */
import { randomBytes } from "node:crypto";

/** The separator token: U+E000 + 16 random hex digits + U+E001; never in any output. */
export const SPIN_SEPARATOR = `\u{E000}${randomBytes(8).toString("hex")}\u{E001}`;

type Node = hbs.AST.Node;

/** Marks, in place, the "|" in literal text inside every `{{#spin}}` block of `ast` (nested blocks too). */
export function markSpinSeparators(ast: hbs.AST.Program): hbs.AST.Program {
  visit(ast, false);
  return ast;
}

function visit(node: Node | null | undefined, inSpin: boolean): void {
  if (!node) return;
  switch (node.type) {
    case "Program":
      for (const statement of (node as hbs.AST.Program).body) visit(statement, inSpin);
      return;
    case "ContentStatement":
      if (inSpin) {
        const content = node as hbs.AST.ContentStatement;
        content.value = content.value.split("|").join(SPIN_SEPARATOR);
      }
      return;
    case "BlockStatement": {
      const block = node as hbs.AST.BlockStatement;
      const isSpin = block.path.type === "PathExpression" && (block.path as hbs.AST.PathExpression).original === "spin" && block.params.length === 0;
      visit(block.program, inSpin || isSpin);
      visit(block.inverse, inSpin || isSpin);
      return;
    }
    default:
      return;
  }
}
