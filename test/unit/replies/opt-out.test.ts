import { describe, expect, it } from "vitest";
import { compileOptOut, matchOptOut } from "../../../src/replies/opt-out.js";

const phrases = ["stop", "unsubscribe", "not interested", "don't contact", "arrête", "basta", "no me interesa", "停止"];

describe("matchOptOut", () => {
  it.each([
    ["STOP!", "stop"],
    ["stop", "stop"],
    ["Please stop.", "stop"],
    ["(stop)", "stop"],
    ["stop—thanks", "stop"],
    ["stopped", null],
    ["nonstop", null],
    ["unstoppable", null],
    ["stop_", null],
    ["stop2", null],
    ["not interested.", "not interested"],
    ["Not   Interested", "not interested"],
    ["not\ninterested", "not interested"],
    ["not very interested", null],
    ["not interestedly", null],
    ["I'm not interested, thanks", "not interested"],
    ["Don’t contact me again", "don't contact"],
    ["UNSUBSCRIBE", "unsubscribe"],
    ["Arrête !", "arrête"],
    ["arre\u0302te", "arrête"], // combining circumflex, composed by NFKC
    ["arrêtez", null],
    ["¡Basta!", "basta"],
    ["«basta»", "basta"],
    ["Bastante bien", null],
    ["No me interesa.", "no me interesa"],
    ["ＳＴＯＰ", "stop"], // full-width
    ["停止。", "停止"],
    ["请停止发送", null], // documented limitation: no word boundaries inside CJK text
    ["Sounds good, send details", null],
    ["", null],
  ])("%j → %j", (text, want) => {
    expect(matchOptOut(text, phrases)).toBe(want);
  });

  it("returns the first phrase in list order and ignores blank phrases", () => {
    const match = compileOptOut(["  ", "not interested", "interested"]);
    expect(match("not interested")).toBe("not interested");
    expect(match("very interested")).toBe("interested");
    expect(compileOptOut([])("stop")).toBeNull();
  });

  it("treats regex metacharacters in phrases literally", () => {
    const match = compileOptOut(["stop.", "a+b"]);
    expect(match("stop.")).toBe("stop.");
    expect(match("stopx")).toBeNull();
    expect(match("a+b")).toBe("a+b");
    expect(match("aab")).toBeNull();
  });
});
