import { describe, expect, it } from "vitest";
import { firstName, parseFirstName } from "../../../../src/render/names/first-name.js";

describe("firstName on names as they appear on X", () => {
  it.each([
    // ordinary names, as written
    ["Jane Doe", "Jane"],
    ["  jane   doe ", "jane"],
    ["Cher", "Cher"],
    ["Jean-Luc Picard", "Jean-Luc"],
    ["Mary-Anne O'Neil", "Mary-Anne"],
    ["José María García", "José"],
    ["Ünal Çelik", "Ünal"],
    ["Ma Yun", "Ma"],
    ['Jane "JJ" Doe', "Jane"],
    // honorifics, in several languages; a run of them
    ["Dr. Jane Doe", "Jane"],
    ["dr Jane Doe", "Jane"],
    ["Prof. Ada B. Lovelace", "Ada"],
    ["Prof. Dr. Hans Müller", "Hans"],
    ["Herr Dr. Klaus Weber", "Klaus"],
    ["Mme Claire Dubois", "Claire"],
    ["Sr. Juan Pérez", "Juan"],
    ["Dra. Ana Souza", "Ana"],
    ["Mrs. Mary Smith", "Mary"],
    // the title is how they are addressed when only a surname follows
    ["Dr. Doe", "Dr. Doe"],
    // surname-first, and suffixes that must not read as surname-first
    ["Doe, Jane", "Jane"],
    ["Smith Jr., John", "John"],
    ["Jane Doe, PhD", "Jane"],
    ["Jane Doe PhD", "Jane"],
    ["Jane Doe, PhD, MBA", "Jane"],
    ["Jane Doe MBA", "Jane"],
    ["Doe, Jane, PhD", "Jane"],
    ["John Smith Jr.", "John"],
    ["John Smith, Jr.", "John"],
    ["Klaus Weber III", "Klaus"],
    ["Jane Doe, MD", "Jane"],
    ["Jane Doe, Esq.", "Jane"],
    // emoji, flags, symbols and bios
    ["🚀 Jane Doe", "Jane"],
    ["Jane 🚀", "Jane"],
    ["🇺🇸 John Smith", "John"],
    ["✨ Ana ✨", "Ana"],
    ["Ana 👩🏽‍💻", "Ana"],
    ["Bob 🏴󠁧󠁢󠁳󠁣󠁴󠁿", "Bob"],
    ["1️⃣ Bob", "Bob"],
    ["Sarah (she/her) Lee", "Sarah"],
    ["Sarah Lee | Founder @Acme", "Sarah"],
    ["Jane Doe - CEO at Acme", "Jane"],
    ["Elon Musk (parody)", "Elon"],
    ["J. Robert Oppenheimer", "Robert"],
    // nothing plausible left: empty, so strict rendering refuses the lead
    ["🚀", ""],
    ["🚀🚀", ""],
    ["🇺🇸", ""],
    ["$$$", ""],
    ["Mr.", ""],
    ["Dr.", ""],
    ["MBA", ""],
    ["@jane", ""],
    ["J. Doe", ""],
    ["", ""],
  ])("%j → %j", (name, expected) => {
    expect(firstName(name)).toBe(expected);
  });

  it.each([
    ["Jane Doe", undefined],
    ["Dr. Jane Doe, PhD", undefined],
    ["🚀 Jane", "emoji or symbols removed"],
    ["Sarah (she/her) Lee", "text besides the name removed"],
    ["Dr. Doe", "only a title and a surname"],
    ["JANE DOE", "written in capitals"],
    ["J. Doe", "a first initial; no first name in it"],
    ["🚀", "emoji or symbols removed; no first name in it"],
  ])("%j looks unusual: %j", (name, reason) => {
    expect(parseFirstName(name).unusual).toBe(reason);
  });
});
