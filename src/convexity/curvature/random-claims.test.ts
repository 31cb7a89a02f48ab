/**
 * Random expressions: whatever the analysis claims (convex or concave regions, inflections,
 * extrema, kinks, certificates) must hold against the 60-digit oracle, and every certificate must
 * re-verify independently. Unknown verdicts are allowed (and counted); false claims are not.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Expr } from "../expr/ast.js";
import { expressionGraph } from "../expr/expression-graph.js";
import { printExpression } from "../expr/print-expression.js";
import { isUserError } from "../../util/errors.js";
import { analyzeCurvature, type CurvatureResult } from "./analyze-curvature.js";
import { checkClaims } from "./decimal-oracle.testkit.js";
import { verifyChord } from "./jensen-certificate.js";

const smallNum = fc.constantFrom(0.5, 1, 2, 3, 0.25, 1.5).map<Expr>((value) => ({ kind: "num", value }));

function exprArb(): fc.Arbitrary<Expr> {
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", maxDepth: 4 },
      fc.constant<Expr>({ kind: "var" }),
      smallNum,
      tie("expr").map<Expr>((arg) => ({ kind: "neg", arg })),
      fc.tuple(fc.constantFrom("+", "-", "*" as const), tie("expr"), tie("expr")).map<Expr>(([op, left, right]) => ({ kind: "bin", op, left, right })),
      fc.tuple(tie("expr"), fc.constantFrom(2, 3)).map<Expr>(([left, p]) => ({ kind: "bin", op: "^", left, right: { kind: "num", value: p } })),
      fc.tuple(fc.constantFrom("exp", "sigmoid", "relu", "abs", "softplus", "tanh", "square", "gelu", "silu"), tie("expr")).map<Expr>(([name, a]) => ({ kind: "call", name, args: [a] })),
      fc.tuple(fc.constantFrom("max", "min"), fc.array(tie("expr"), { minLength: 2, maxLength: 3 })).map<Expr>(([name, args]) => ({ kind: "call", name, args })),
      fc.tuple(tie("expr"), fc.constantFrom(0.5, 1, 1.5)).map<Expr>(([a, d]) => ({ kind: "call", name: "huber", args: [a, { kind: "num", value: d }] }))
    )
  }));
  return expr;
}

function analyze(src: string): CurvatureResult | undefined {
  try {
    return analyzeCurvature(src, { domain: [-3, 3], maxBoxes: 4000 });
  } catch (e) {
    if (isUserError(e)) return undefined;
    throw e;
  }
}

describe("random expressions: no false claim", () => {
  it("every claim holds against the oracle and every certificate re-verifies", () => {
    const verdicts: Record<string, number> = {};
    fc.assert(
      fc.property(exprArb(), (e) => {
        const src = printExpression(e);
        const r = analyze(src);
        if (!r) return;
        verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
        expect(checkClaims(r, 6), src).toEqual([]);
        const { graph } = expressionGraph(src);
        for (const c of [r.certificates.notConvex, r.certificates.notConcave]) {
          if (c) expect(verifyChord(graph, c.kind, c.x1, c.x2, c.t), src).toBeDefined();
        }
        if (r.verdict === "convex") expect(r.convexIntervals).toEqual([[-3, 3]]);
        if (r.verdict === "concave") expect(r.concaveIntervals).toEqual([[-3, 3]]);
      }),
      { numRuns: 60, seed: 11 }
    );
    console.log("verdicts over random expressions:", JSON.stringify(verdicts));
  }, 240_000);
});
