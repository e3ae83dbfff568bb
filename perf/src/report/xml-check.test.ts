import { describe, expect, it } from "vitest";
import { checkWellFormedXml } from "./xml-check";

describe("checkWellFormedXml", () => {
  it.each([
    '<svg xmlns="http://www.w3.org/2000/svg"><title>a &amp; b</title><g><rect x="1" y=\'2\'/></g></svg>',
    '<?xml version="1.0"?>\n<a>\n  <!-- c < & -->\n  <b k="&lt;&#38;&#x26;">t</b>\n</a>\n',
    "<a/>",
  ])("accepts %s", (doc) => {
    expect(checkWellFormedXml(doc)).toEqual([]);
  });

  it.each<[string, RegExp]>([
    ["<a><b></a>", /closes <b>/],
    ["<a>", /unclosed/],
    ["<a></a><b></b>", /exactly one root/],
    ["", /exactly one root/],
    ["<a>x & y</a>", /bare "&"/],
    ["<a>&nbsp;</a>", /bare "&"/],
    ['<a k="x < y"/>', /raw "<" in an attribute/],
    ['<a k="1" k="2"/>', /duplicate attribute k/],
    ["<a k=1/>", /malformed attribute/],
    ["<a>text</a>trailing", /text outside the root/],
    ["<1a/>", /bad element name/],
    ["<a", /unterminated tag/],
    ["</a>", /closes nothing/],
    ["<a><!-- x </a>", /unterminated comment/],
  ])("rejects %s", (doc, problem) => {
    const problems = checkWellFormedXml(doc);
    expect(problems.join("\n")).toMatch(problem);
  });
});
