import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { evaluate } from "../../exec/reference.js";
import { scalar } from "../../ir/tensor.js";
import { isUserError } from "../../util/errors.js";
import type { Expr } from "./ast.js";
import { expressionGraph, exprToGraph } from "./expression-graph.js";
import { parseExpression } from "./parse-expression.js";
import { printExpression } from "./print-expression.js";

const f = (src: string, x: number): number => evaluate(expressionGraph(src).graph, { x: scalar(x) })["f"]!.data[0]!;

function errorOf(src: string): string {
  try {
    expressionGraph(src);
  } catch (e) {
    if (isUserError(e)) return e.message;
    throw e;
  }
  throw new Error(`no error for ${src}`);
}

describe("expressions lower to graphs that compute the written function", () => {
  const cases: [string, (x: number) => number][] = [
    ["sigmoid(x)", (x) => 1 / (1 + Math.exp(-x))],
    ["relu(x+1) - 2*relu(x) + relu(x-1)", (x) => Math.max(x + 1, 0) - 2 * Math.max(x, 0) + Math.max(x - 1, 0)],
    ["abs(abs(x)-1)", (x) => Math.abs(Math.abs(x) - 1)],
    ["(x^2-1)^2", (x) => (x * x - 1) ** 2],
    ["-x^2", (x) => -(x * x)],
    ["2x^3", (x) => 2 * x ** 3],
    ["x^-2", (x) => x ** -2],
    ["log1p(x^2)", (x) => Math.log1p(x * x)],
    ["sqrt(1+x^2)", (x) => Math.sqrt(1 + x * x)],
    ["leaky_relu(x, 0.1)", (x) => (x >= 0 ? x : 0.1 * x)],
    ["elu(x)", (x) => (x > 0 ? x : Math.expm1(x))],
    ["softplus(x)", (x) => Math.log1p(Math.exp(x))],
    ["silu(x) + swish(x)", (x) => (2 * x) / (1 + Math.exp(-x))],
    ["mish(x)", (x) => x * Math.tanh(Math.log1p(Math.exp(x)))],
    ["max(x, 1 - x, 0.5)", (x) => Math.max(x, 1 - x, 0.5)],
    ["min(x, -x)", (x) => Math.min(x, -x)],
    ["square(x) + cube(x)", (x) => x * x + x ** 3],
    ["huber(x, 2)", (x) => (Math.abs(x) <= 2 ? 0.5 * x * x : 2 * (Math.abs(x) - 1))],
    ["log(exp(x) + exp(2 - x))", (x) => Math.log(Math.exp(x) + Math.exp(2 - x))],
    ["sin(pi*x) + cos(e*x)", (x) => Math.sin(Math.PI * x) + Math.cos(Math.E * x)],
    ["tanh(x)/2", (x) => Math.tanh(x) / 2]
  ];
  for (const [src, ref] of cases) {
    it(src, () => {
      for (const x of [-2.5, -1, -0.3, 0.7, 1.5, 3]) expect(f(src, x)).toBeCloseTo(ref(x), 12);
    });
  }

  it("gelu matches x·Φ(x) at known values", () => {
    // Φ(1) = 0.8413447460685429..., Φ(-1) = 0.15865525393145707...
    expect(f("gelu(x)", 1)).toBeCloseTo(0.8413447460685429, 12);
    expect(f("gelu(x)", -1)).toBeCloseTo(-0.15865525393145707, 12);
  });

  it("folds constant subexpressions into single constants", () => {
    const { graph } = expressionGraph("x * (2 * pi - 1)");
    const consts = graph.nodes.filter((n) => n.op === "Constant");
    expect(consts).toHaveLength(1);
  });
});

describe("bad expressions are user errors that name the column", () => {
  it("reports a syntax error's column", () => {
    expect(errorOf("x + * 2")).toMatch(/column 5/);
    expect(errorOf("sigmoid(x")).toMatch(/column 10/);
  });
  it("reports unknown functions and names with their column", () => {
    expect(errorOf("1 + foo(x)")).toMatch(/unknown function "foo".*column 5|column 5.*unknown function "foo"/s);
    expect(errorOf("x + y")).toMatch(/column 5.*unknown name "y"/s);
    expect(errorOf("2*sigmoid")).toMatch(/column 3.*sigmoid is a function/s);
  });
  it("rejects wrong arity, non-constant parameters and unsupported syntax", () => {
    expect(errorOf("relu(x, 2)")).toMatch(/relu takes 1 argument, got 2/);
    expect(errorOf("leaky_relu(x, x)")).toMatch(/argument 2 of leaky_relu must be a constant/);
    expect(errorOf("huber(x, -1)")).toMatch(/d > 0/);
    expect(errorOf("x!")).toMatch(/operator "!" is not supported/);
    expect(errorOf("[x, 1]")).toMatch(/matrix/);
    expect(errorOf("   ")).toMatch(/empty expression/);
  });
});

/** Random expression trees over the whole language (numbers are non-negative: "-3" parses as a negation). */
function exprArb(): fc.Arbitrary<Expr> {
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant<Expr>({ kind: "var" }),
      fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true })).map<Expr>((value) => ({ kind: "num", value: Object.is(value, -0) ? 0 : value })),
      fc.constantFrom<Expr>({ kind: "const", name: "pi" }, { kind: "const", name: "e" }),
      tie("expr").map<Expr>((arg) => ({ kind: "neg", arg })),
      fc.tuple(fc.constantFrom("+", "-", "*", "/", "^" as const), tie("expr"), tie("expr")).map<Expr>(([op, left, right]) => ({ kind: "bin", op, left, right })),
      fc.tuple(fc.constantFrom("exp", "log", "sigmoid", "relu", "abs", "gelu", "square"), tie("expr")).map<Expr>(([name, a]) => ({ kind: "call", name, args: [a] })),
      fc.tuple(fc.constantFrom("max", "min"), fc.array(tie("expr"), { minLength: 1, maxLength: 3 })).map<Expr>(([name, args]) => ({ kind: "call", name, args })),
      fc.tuple(tie("expr"), fc.double({ min: 0.01, max: 2, noNaN: true })).map<Expr>(([a, d]) => ({ kind: "call", name: "huber", args: [a, { kind: "num", value: d }] }))
    )
  }));
  return expr;
}

describe("canonical printing", () => {
  it("parse(print(e)) gives back e for random expression trees", () => {
    fc.assert(
      fc.property(exprArb(), (e) => {
        expect(parseExpression(printExpression(e))).toEqual(e);
      }),
      { numRuns: 400 }
    );
  });

  it("print is a fixed point after one parse, and keeps the function", () => {
    for (const src of ["2x^2 - 3x + 1", "-x^2", "x^-2", "-(-x)", "swish(x)/(1+x)", "2^x^2", "(x*x)^3", "-x*x", "x/(2/x)"]) {
      const once = printExpression(parseExpression(src));
      expect(printExpression(parseExpression(once))).toBe(once);
      for (const x of [0.5, 1.25, 2]) {
        const a = evaluate(exprToGraph(parseExpression(src)), { x: scalar(x) })["f"]!.data[0]!;
        const b = evaluate(exprToGraph(parseExpression(once)), { x: scalar(x) })["f"]!.data[0]!;
        expect(b).toBe(a);
      }
    }
    expect(printExpression(parseExpression("swish(x)"))).toBe("silu(x)");
    expect(printExpression(parseExpression("2x"))).toBe("2 * x");
  });
});
