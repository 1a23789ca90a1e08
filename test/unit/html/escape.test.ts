import { describe, expect, it } from "vitest";
import { escapeHtml, jsonForScript } from "../../../src/html/escape.js";

describe("escapeHtml", () => {
  it.each([
    ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    [`<img src=x onerror="a('b')">`, "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;"],
    ["Tom & Jerry", "Tom &amp; Jerry"],
    ["plain", "plain"],
  ])("%s", (input, expected) => expect(escapeHtml(input)).toBe(expected));
});

describe("jsonForScript", () => {
  it("cannot close its script element or open a comment, and parses back to the same value", () => {
    const value = { a: "</script><script>x()</script>", b: "<!-- -->", c: "line\u2028sep\u2029", d: [1, "é🚀"] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/<\/script|<!--/i);
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
