import { describe, expect, it } from "vitest";
import { safeStrings, safeText } from "../../../src/cli/report/safe-text.js";

describe("safeText: escapes made visible and harmless", () => {
  it.each([
    ["plain text is returned as is", "Hi Jörg 🚀", "Hi Jörg 🚀"],
    ["clear screen (CSI)", "a\u001b[2Jb", "a\\x1b[2Jb"],
    ["cursor up + erase line", "\u001b[1A\u001b[2Ksent", "\\x1b[1A\\x1b[2Ksent"],
    ["OSC 8 hyperlink", "\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\", "\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\"],
    ["window title (OSC 0, BEL)", "\u001b]0;pwned\u0007", "\\x1b]0;pwned\\x07"],
    ["8-bit CSI (C1)", "\u009b31m", "\\x9b31m"],
    ["bidi override", "invoice\u202egnp.exe", "invoice\\u202egnp.exe"],
    ["bidi isolate", "\u2066x\u2069", "\\u2066x\\u2069"],
    ["carriage return overwrites a line", "failed\rsent  ", "failed\\rsent  "],
    ["a line feed cannot start a fake line", "a\nsent intro → 1", "a\\nsent intro → 1"],
    ["tab is harmless", "a\tb", "a\tb"],
    ["DEL and NUL", "a\u007f\u0000", "a\\x7f\\x00"],
  ])("%s", (_name, text, shown) => {
    expect(safeText(text)).toBe(shown);
  });

  it("keeps line feeds in a multi-line message preview, but not CR or ESC", () => {
    expect(safeText("Hi\nthere\r\n\u001b[31m", { multiline: true })).toBe("Hi\nthere\\r\n\\x1b[31m");
  });

  it("safeStrings reaches every string of an event, leaving numbers alone", () => {
    expect(safeStrings({ type: "lead.replied", at: 5, text: "\u001b[2J", tags: ["\u202e"], nested: { reason: "\u0007" } })).toEqual({
      type: "lead.replied",
      at: 5,
      text: "\\x1b[2J",
      tags: ["\\u202e"],
      nested: { reason: "\\x07" },
    });
  });
});
