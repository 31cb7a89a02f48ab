/**
 * Issue 11's coverage list: classic functions of ML, each decided (no "unknown", nothing left
 * undecided) and every claim of the result (regions, inflections, extrema, kinks, certificates)
 * checked against a 60-digit decimal.js oracle evaluated from the parsed expression.
 */
import { describe, expect, it } from "vitest";
import { analyzeCurvature, type Verdict } from "./analyze-curvature.js";
import { checkClaims } from "./decimal-oracle.testkit.js";

const R_SIGMA2 = "(-e^-x)*(1+e^-x)^-2 + (e^-x)*(-2*(1+e^-x)^-3*(-e^-x))";

export const COVERAGE: readonly (readonly [string, Verdict, [number, number]?])[] = [
  ["-log(sigmoid(x))", "convex"],
  ["log(sigmoid(x))", "concave"],
  ["softplus(x)", "convex"],
  ["log(1+exp(x))", "convex"],
  ["softplus(2*x - 1)", "convex"],
  ["log(1 + exp(-3*x + 2))", "convex"],
  ["relu(1 - x)", "convex"],
  ["relu(1 - x)^2", "convex"],
  ["max(0, 1 - x)^2", "convex"],
  ["huber(x)", "convex"],
  ["huber(x, 0.5)", "convex"],
  ["huber(x/3, 1)", "convex"],
  ["huber(2*x + 1, 0.3)", "convex"],
  ["log(exp(x) + exp(-x))", "convex"],
  ["log(exp(x) + exp(2 - x) + 1)", "convex"],
  ["log(1 + exp(x) + exp(2*x))", "convex"],
  ["log(exp(x)/2 + exp(-x)/2)", "convex"],
  ["x*log(x)", "convex", [0, 4]],
  ["-x*log(x)", "concave", [0, 4]],
  ["x*log(x) + (1-x)*log(1-x)", "convex", [0, 1]],
  ["gelu(x)", "neither"],
  ["silu(x)", "neither"],
  ["mish(x)", "neither"],
  ["elu(x)", "convex"],
  ["elu(x, 2)", "neither"],
  ["leaky_relu(x, 0.1)", "convex"],
  ["leaky_relu(x, 2)", "concave"],
  ["sigmoid(x)", "neither", [-100, 100]],
  ["1/(1+exp(-x))", "neither", [-100, 100]],
  [R_SIGMA2, "neither", [-100, 100]],
  [R_SIGMA2, "neither"],
  ["sigmoid(x)*(1 - sigmoid(x))", "neither"],
  ["tanh(x)", "neither"],
  ["tanh(x)", "concave", [0, 5]],
  ["x^2", "convex"],
  ["x^3", "neither"],
  ["x^4", "convex"],
  ["x^0.5", "concave", [0, 4]],
  ["x^1.5", "convex", [0, 4]],
  ["x^-1", "convex", [0, 4]],
  ["1/x", "concave", [-4, 0]],
  ["x^-2", "convex", [0, 4]],
  ["sqrt(x)", "concave", [0, 4]],
  ["sqrt(x^2 + 0.0001)", "convex"],
  ["sqrt(1 + x^2)", "convex"],
  ["exp(-x^2)", "neither"],
  ["exp(x)", "convex"],
  ["exp(-x)", "convex"],
  ["-log(x)", "convex", [0, 4]],
  ["log(x)", "concave", [0, 4]],
  ["log1p(x^2)", "neither"],
  ["relu(x)", "convex"],
  ["relu(x+1) - 2*relu(x) + relu(x-1)", "neither"],
  ["abs(abs(x) - 1)", "neither"],
  ["relu(relu(x) - 1)", "convex"],
  ["relu(x)^2", "convex"],
  ["max(x, 0)^2", "convex"],
  ["max(x, x)", "affine"],
  ["min(x, x)", "affine"],
  ["min(x, -x)", "concave"],
  ["max(x, 1 - x, x^2 - 3)", "convex", [-5, 5]],
  ["max(x^2, 1 - x^2)", "neither", [-2, 2]],
  ["x*abs(x)", "neither"],
  ["relu(x) - relu(-x)", "affine"],
  ["(x^2 - 1)^2", "neither"],
  ["cos(x)", "concave", [-1, 1]],
  ["sin(x)", "concave", [0, 3]],
  ["sin(x)", "neither", [-3, 3]],
  ["erf(x)", "neither"],
  ["abs(x)", "convex"],
  ["2*x + 1", "affine"],
  ["-x^2", "concave"],
  ["square(square(x))", "convex"]
];

describe("coverage: classic functions are decided and every claim holds against a 60-digit oracle", () => {
  it("the list has at least 60 functions", () => expect(COVERAGE.length).toBeGreaterThanOrEqual(60));
  for (const [src, verdict, domain] of COVERAGE) {
    it(`${src} on [${(domain ?? [-10, 10]).join(", ")}] is ${verdict}`, () => {
      const r = analyzeCurvature(src, domain ? { domain } : {});
      expect(r.verdict).toBe(verdict);
      expect(r.undecided).toEqual([]);
      expect(checkClaims(r, 12)).toEqual([]);
      if (verdict === "convex") expect(r.convexIntervals).toEqual([[r.domain[0], r.domain[1]]]);
      if (verdict === "concave") expect(r.concaveIntervals).toEqual([[r.domain[0], r.domain[1]]]);
      if (verdict === "neither") {
        expect(r.certificates.notConvex).toBeDefined();
        expect(r.certificates.notConcave).toBeDefined();
      }
    });
  }
});
