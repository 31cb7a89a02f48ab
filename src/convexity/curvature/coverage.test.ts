/**
 * Issue 11's coverage list: classic functions of ML, each decided (no "unknown", nothing left
 * undecided) and every claim of the result (regions, inflections, extrema, kinks, certificates)
 * checked against a 60-digit decimal.js oracle evaluated from the parsed expression.
 */
import { describe, expect, it } from "vitest";
import { analyzeCurvature } from "./analyze-curvature.js";
import { CLASSIC_FUNCTIONS as COVERAGE } from "./classic-functions.js";
import { checkClaims } from "./decimal-oracle.testkit.js";

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
