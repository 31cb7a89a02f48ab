import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { el, escapeXml, fmt, svgDocument, text } from "./svg.js";
import { svgProblems } from "./svg-lint.js";

describe("escapeXml", () => {
  it("escapes the five XML specials so any string is safe as text or attribute", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&#39;");
  });
  it("round-trips arbitrary strings through a well-formed document", () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const doc = svgDocument(200, 100, [text(10, 10, s)]);
      const bad = svgProblems(doc).filter((p) => !p.startsWith("contains"));
      expect(bad).toEqual([]);
    }));
  });
});

describe("fmt", () => {
  it("writes fixed decimals with trailing zeros trimmed and no negative zero", () => {
    expect(fmt(1.23456)).toBe("1.23");
    expect(fmt(2.5)).toBe("2.5");
    expect(fmt(3)).toBe("3");
    expect(fmt(-0.001)).toBe("0");
    expect(fmt(0.1 + 0.2, 3)).toBe("0.3");
  });
  it("refuses non-finite numbers instead of writing NaN into the SVG", () => {
    expect(() => fmt(Number.NaN)).toThrow(/non-finite/);
    expect(() => fmt(Infinity)).toThrow(/non-finite/);
  });
});

describe("el", () => {
  it("drops undefined/false attributes and escapes attribute values", () => {
    expect(el("rect", { x: 1, y: undefined, fill: "a\"b", hidden: false })).toBe(`<rect x="1" fill="a&quot;b"/>`);
  });
});

describe("svgDocument", () => {
  it("has a white background, the house font and integer size", () => {
    const doc = svgDocument(300, 200, []);
    expect(doc).toContain(`font-family="DejaVu Sans, Arial, sans-serif"`);
    expect(doc).toContain(`fill="#ffffff"`);
    expect(doc).toContain(`viewBox="0 0 300 200"`);
    expect(svgProblems(doc)).toEqual([]);
  });
});

describe("svgProblems (the checker itself)", () => {
  it("reports unbalanced tags, bad roots, NaN and raw ampersands", () => {
    expect(svgProblems("<svg><g></svg>").length).toBeGreaterThan(0);
    expect(svgProblems("<svg></svg><svg></svg>").some((p) => p.includes("one root"))).toBe(true);
    expect(svgProblems(`<svg><rect x="NaN"/></svg>`).some((p) => p.includes("NaN"))).toBe(true);
    expect(svgProblems("<svg><text>a & b</text></svg>").some((p) => p.includes("&"))).toBe(true);
    expect(svgProblems(`<svg><rect x="1" x="2"/></svg>`).some((p) => p.includes("duplicate"))).toBe(true);
    expect(svgProblems(`<svg><rect x="1"/><text>ok &amp; fine</text></svg>`)).toEqual([]);
  });
});
