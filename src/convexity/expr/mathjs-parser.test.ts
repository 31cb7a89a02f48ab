import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse as fullParse, type MathNode } from "mathjs";
import { loadMinimalParser, type ParseFn } from "./mathjs-parser.js";

const minimalParse = loadMinimalParser();

/** What parse-expression.ts reads of a parse: the tree (type, operator, fn, value, children), its text, or the error. */
function outcome(parse: ParseFn, s: string): unknown {
  let node: MathNode;
  try {
    node = parse(s);
  } catch (e) {
    const err = e as Error & { char?: unknown };
    return { error: err.constructor.name, message: err.message, char: err.char };
  }
  return { tree: JSON.stringify(node), text: node.toString() };
}

function expectSame(s: string): void {
  expect(outcome(minimalParse, s), JSON.stringify(s)).toEqual(outcome(fullParse, s));
}

/** Every string literal of the tests that feed expressions to the parser, the CLI's included. */
function testStrings(): string[] {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const files = [
    ...readdirSync(here).filter((f) => f.endsWith(".test.ts") && f !== "mathjs-parser.test.ts").map((f) => join(here, f)),
    join(here, "../curvature/analyze-curvature.test.ts"),
    join(here, "../dcp/analyze-dcp.test.ts"),
    join(here, "../../cli/curvature.test.ts")
  ];
  const found = new Set<string>();
  for (const f of files) {
    const src = readFileSync(f, "utf8");
    for (const m of src.matchAll(/"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`([^`$\\]*)`/g)) {
      const raw = m[1] ?? m[2] ?? m[3] ?? "";
      found.add(raw.replace(/\\(.)/g, "$1"));
    }
  }
  return [...found];
}

describe("the parse-only mathjs instance", () => {
  it("parses every string in the expression and curvature tests exactly like full mathjs", () => {
    const strings = testStrings();
    expect(strings.length).toBeGreaterThan(150);
    expect(strings).toContain("relu(x+1) - 2*relu(x) + relu(x-1)");
    for (const s of strings) expectSame(s);
  });

  it("agrees with full mathjs on syntax errors, numbers, implicit products and unsupported syntax", () => {
    for (const s of [
      "", "x +", "(x", "x)", "2x", "2 x", "x y", "2(x+1)", "(x+1)(x-1)", "x^-1", "x^0.5", "-x^2", "--x", "+x", "2^3^x",
      "1e400 * x", "1e-5x", ".5x", "0x1F", "0b101 + x", "x!", "x'", "x % 2", "x mod 2", "x == 1", "x < 1 ? x : 1", "[x, 1]",
      "x[1]", "f(x) = x^2", "a = 1; x", "x.y", "{a: x}", "1:3", "sin x", "sqrt(-x)", "\"str\"", "x # comment", "x\n+1",
      "2.5.3", "x & 1", "x to cm", "5 cm", "x?", "e^x", "pi*x", "Infinity", "NaN", "true", "null", "undefined", "x ^ (1/3)"
    ]) expectSame(s);
  });

  it("agrees with full mathjs on random strings over the expression alphabet", () => {
    const token = fc.constantFrom(
      "x", "1", "2", "0.5", "1e3", "pi", "e", "+", "-", "*", "/", "^", "(", ")", ",", " ", "sin", "exp", "log", "relu", "max",
      "abs", "sqrt", "sigmoid", "!", "'", "==", "<", "?", ":", "[", "]", ";", "=", ".", "%"
    );
    fc.assert(fc.property(fc.array(token, { maxLength: 14 }), (ts) => expectSame(ts.join(""))), { numRuns: 3000 });
  });

  it("loads only the parser's files, not a whole mathjs entry", () => {
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes(`${"/mathjs/"}`));
    expect(loaded.length).toBeGreaterThan(10);
    expect(loaded.filter((k) => /\/mathjs\/lib\/cjs\/(index|number|entry\/|factories)/.test(k))).toEqual([]);
  });
});
