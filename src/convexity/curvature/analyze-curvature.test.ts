import { describe, it, expect } from "vitest";
import { Rational } from "../../num/rational.js";
import { expressionGraph } from "../expr/expression-graph.js";
import { analyzeCurvature, parseDomain } from "./analyze-curvature.js";
import { verifyChord } from "./jensen-certificate.js";
import { exactScalar } from "./node-exact.js";
import { scalarIntervals } from "./node-intervals.js";
import { floatOne } from "./scalar-eval.js";
import { renderCurvatureText } from "./render-curvature.js";

/** Independent check of a certificate: the Jensen gap recomputed from the closed-form function. */
function jensenGap(f: (x: number) => number, x1: number, x2: number, t: number): number {
  return f(t * x1 + (1 - t) * x2) - (t * f(x1) + (1 - t) * f(x2));
}

describe("the seed question's examples", () => {
  it("sigmoid: neither on R, convex on [-10, 0], concave on [0, 10], inflection exactly 0", () => {
    const r = analyzeCurvature("sigmoid(x)");
    expect(r.verdict).toBe("neither");
    expect(r.inflections).toEqual([0]);
    expect(r.convexIntervals).toEqual([[-10, 0]]);
    expect(r.concaveIntervals).toEqual([[0, 10]]);
    const s = (x: number): number => 1 / (1 + Math.exp(-x));
    const nc = r.certificates.notConvex!, ncv = r.certificates.notConcave!;
    expect(jensenGap(s, nc.x1, nc.x2, nc.t)).toBeGreaterThan(0);
    expect(jensenGap(s, ncv.x1, ncv.x2, ncv.t)).toBeLessThan(0);
    expect(nc.gapEnclosure[0]).toBeGreaterThan(0);
    expect(nc.verifiedBy).toBe("intervals");
    expect(r.dcp.curvature).toBe("unknown");
  });

  it("sigmoid restricted to [-10, 0] is convex by DCP (sign-dependent curvature)", () => {
    const r = analyzeCurvature("sigmoid(x)", { domain: [-10, 0] });
    expect(r.verdict).toBe("convex");
    expect(r.proof.method).toBe("dcp");
  });

  it("relu is convex by DCP with one convex kink of jump +1 at 0", () => {
    const r = analyzeCurvature("relu(x)");
    expect(r.verdict).toBe("convex");
    expect(r.proof.method).toBe("dcp");
    expect(r.kinks.map((k) => [k.x, k.slopeJump, k.kind])).toEqual([[0, 1, "convex"]]);
  });

  it("the ReLU hat is neither, with kinks -1, 0, 1 and exact jumps +1, -2, +1", () => {
    const r = analyzeCurvature("relu(x+1) - 2*relu(x) + relu(x-1)");
    expect(r.verdict).toBe("neither");
    expect(r.kinks.map((k) => k.x)).toEqual([-1, 0, 1]);
    expect(r.kinks.map((k) => k.exactSlopeJump)).toEqual(["1", "-2", "1"]);
    expect(r.kinks.map((k) => k.kind)).toEqual(["convex", "concave", "convex"]);
    expect(r.kinks.every((k) => k.isolation === "exact")).toBe(true);
    expect(r.certificates.notConvex?.verifiedBy).toBe("exact rationals");
    expect(r.maxima.map((m) => m.x)).toEqual([0]);
    const hat = (x: number): number => Math.max(x + 1, 0) - 2 * Math.max(x, 0) + Math.max(x - 1, 0);
    const c = r.certificates.notConvex!;
    expect(jensenGap(hat, c.x1, c.x2, c.t)).toBeGreaterThan(0);
  });

  it("abs(abs(x)-1) has two minima: convex of convex-minus-constant is not convex", () => {
    const r = analyzeCurvature("abs(abs(x)-1)");
    expect(r.verdict).toBe("neither");
    expect(r.minima.map((m) => [m.x, m.f])).toEqual([[-1, 0], [1, 0]]);
    expect(r.maxima.map((m) => m.x)).toEqual([0]);
    expect(r.dcp.curvature).toBe("unknown");
    expect(r.dcp.broken[0]).toMatch(/convex outer function abs, non-monotone, applied to a convex argument/);
    expect(r.kinks.map((k) => k.exactSlopeJump)).toEqual(["2", "-2", "2"]);
  });

  it("(x^2-1)^2: inflections at ±1/√3, minima at ±1, maximum at 0", () => {
    const r = analyzeCurvature("(x^2-1)^2");
    expect(r.verdict).toBe("neither");
    expect(r.inflections).toHaveLength(2);
    expect(r.inflections[0]!).toBeCloseTo(-1 / Math.sqrt(3), 12);
    expect(r.inflections[1]!).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(r.minima.map((m) => m.x)).toEqual([-1, 1]);
    expect(r.maxima.map((m) => m.x)).toEqual([0]);
    expect(r.certificates.notConvex?.verifiedBy).toBe("exact rationals");
  });

  it("relu(x) - relu(-x) is affine, though DCP cannot say so", () => {
    const r = analyzeCurvature("relu(x) - relu(-x)");
    expect(r.verdict).toBe("affine");
    expect(r.dcp.curvature).toBe("unknown");
    expect(r.proof.method).toBe("interval");
    expect(r.kinks).toEqual([]);
    expect(r.breakpoints).toEqual([0]);
  });

  it("sqrt(1+x^2) is convex by interval proof while DCP says unknown", () => {
    const r = analyzeCurvature("sqrt(1+x^2)");
    expect(r.verdict).toBe("convex");
    expect(r.dcp.curvature).toBe("unknown");
    expect(r.proof.method).toBe("interval");
    expect(r.proof.rigorous).toBe(true);
    expect(r.certificates.notConvex).toBeUndefined();
    expect(r.minima.map((m) => m.x)).toEqual([0]);
  });
});

describe("more curvature facts", () => {
  it("x*x and square(square(x)) are convex by DCP (sign from ranges)", () => {
    expect(analyzeCurvature("x*x").proof.method).toBe("dcp");
    expect(analyzeCurvature("square(square(x))").verdict).toBe("convex");
    expect(analyzeCurvature("square(square(x))").proof.method).toBe("dcp");
  });

  it("-x^2 is concave; 2x+1 is affine; log(exp(x)+exp(-x)) is convex", () => {
    expect(analyzeCurvature("-x^2").verdict).toBe("concave");
    expect(analyzeCurvature("2x + 1").verdict).toBe("affine");
    expect(analyzeCurvature("log(exp(x) + exp(-x))").verdict).toBe("convex");
  });

  it("huber is convex and C¹: its switching points carry no kink", () => {
    const r = analyzeCurvature("huber(x, 2)");
    expect(r.verdict).toBe("convex");
    expect(r.kinks).toEqual([]);
    expect(r.breakpoints).toEqual([-2, 0, 2]);
  });

  it("open domains: log on [0, 4] and 1/x on [0, 4]", () => {
    const log = analyzeCurvature("log(x)", { domain: [0, 4] });
    expect(log.openEnds).toEqual([true, false]);
    expect(log.verdict).toBe("concave");
    const inv = analyzeCurvature("1/x", { domain: [0, 4] });
    expect(inv.verdict).toBe("convex");
    expect(() => analyzeCurvature("log(x)")).toThrow(/not defined.*Try the domain -?[\d.]+,[\d.]+, where it is defined/s);
  });

  it("max(x, 1-x, x^2 - 3) has convex kinks only and is convex", () => {
    const r = analyzeCurvature("max(x, 1 - x, x^2 - 3)", { domain: [-5, 5] });
    expect(r.verdict).toBe("convex");
  });

  it("max(x^2, 1 - x^2) is neither, with concave-side kinks at ±1/√2", () => {
    const r = analyzeCurvature("max(x^2, 1 - x^2)", { domain: [-2, 2] });
    expect(r.verdict).toBe("neither");
    expect(r.kinks.map((k) => Math.abs(k.x))).toEqual([expect.closeTo(Math.SQRT1_2, 12), expect.closeTo(Math.SQRT1_2, 12)]);
  });

  it("bad domains are user errors", () => {
    expect(() => parseDomain("5,-5")).toThrow(/left end must be smaller/);
    expect(() => parseDomain("a,b")).toThrow(/bad domain/);
    expect(parseDomain("-5, 5")).toEqual([-5, 5]);
  });
});

describe("the evaluators behind the proofs", () => {
  it("interval enclosures contain the float values at random points", () => {
    const { graph } = expressionGraph("sigmoid(x) * exp(-x^2) + log1p(x^2) - mish(x)");
    for (let i = 0; i < 50; i++) {
      const lo = -4 + 0.16 * i, hi = lo + 0.05;
      const [enc] = scalarIntervals(graph, { lo, hi }, ["f"]);
      for (const x of [lo, (lo + hi) / 2, hi]) {
        const v = floatOne(graph, x, "f");
        expect(v).toBeGreaterThanOrEqual(enc!.lo - 1e-12);
        expect(v).toBeLessThanOrEqual(enc!.hi + 1e-12);
      }
    }
  });

  it("exact evaluation agrees with hand-computed rationals", () => {
    const { graph } = expressionGraph("relu(x+1) - 2*relu(x) + relu(x-1) + x^3/3");
    const v = exactScalar(graph, Rational.parse("1/2"), ["f"])![0]!;
    // 3/2 - 1 + 0 + 1/24
    expect(v.toString()).toBe("13/24");
  });

  it("a chord that does not refute convexity is not certified", () => {
    const { graph } = expressionGraph("x^2");
    expect(verifyChord(graph, "notConvex", -1, 3, 0.5)).toBeUndefined();
    expect(verifyChord(graph, "notConcave", -1, 3, 0.5)?.exactGap).toBe("-4");
  });
});

describe("honest output", () => {
  it("what a small box budget leaves unproven is printed as undecided, never as nowhere or none", () => {
    const r = analyzeCurvature("sqrt(x^2 + 0.0001)", { maxBoxes: 30 });
    expect(r.verdict).toBe("unknown");
    expect(r.undecided.length).toBeGreaterThan(0);
    const text = renderCurvatureText(r);
    expect(text).toMatch(/undecided on: \[/);
    expect(text).not.toMatch(/nowhere/);
    expect(text).toMatch(/inflections: +none proven/);
    // The proven parts stay proven and disjoint from the undecided ones.
    for (const [u, v] of r.convexIntervals) for (const [p, q] of r.undecided) expect(v <= p || u >= q).toBe(true);
  });

  it("a huber corner at a non-double crossing has an exact zero jump: no kink, convex", () => {
    const r = analyzeCurvature("huber(x/3, 1)");
    expect(r.verdict).toBe("convex");
    expect(r.kinks).toEqual([]);
    expect(r.undecided).toEqual([]);
  });

  it("max/min of identical or coinciding arguments do not crash", () => {
    expect(analyzeCurvature("max(x, x)").verdict).toBe("affine");
    expect(analyzeCurvature("min(x, x) + max(x, 0) + relu(x)").verdict).toBe("convex");
    expect(analyzeCurvature("max(x, 2*x - x)").verdict).toBe("affine");
  });

  it("extrema at smooth junctions are found; crossings it cannot sign stay undecided points", () => {
    const r = analyzeCurvature("huber(x^2 - 1, 0.5)");
    expect(r.minima.map((m) => [m.x, m.f, m.at])).toEqual([[-1, 0, "smooth point"], [1, 0, "smooth point"]]);
    expect(r.verdict).toBe("neither");
    // |x² − 1| = 0.5 at ±√0.5, ±√1.5: not rational, k not affine, so the (zero) jump is not proven there.
    expect(r.undecided).toHaveLength(4);
    for (const [u, v] of r.undecided) expect(v - u).toBeLessThan(1e-12);
    expect(r.kinks.every((k) => k.kind === "undetermined")).toBe(true);
  });

  it("a concave kink with a tiny slope jump still yields a certificate", () => {
    const r = analyzeCurvature("x^2 - 0.001*abs(x)");
    expect(r.verdict).toBe("neither");
    expect(r.certificates.notConvex).toBeDefined();
    expect(r.kinks.map((k) => k.kind)).toEqual(["concave"]);
  });
});
