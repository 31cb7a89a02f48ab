import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { expressionGraph } from "../expr/expression-graph.js";
import { compileScalar } from "./scalar-program.js";
import { derivativeGraph, simplifyGraph } from "./simplify.js";
import { D, exactDec, oracle } from "./decimal-oracle.testkit.js";
import { floatOne } from "./scalar-eval.js";

const EXPRS = [
  "-log(sigmoid(x))", "x*log(x)", "log(exp(x) + exp(-x))", "(-e^-x)*(1+e^-x)^-2 + (e^-x)*(-2*(1+e^-x)^-3*(-e^-x))",
  "sqrt(x^2 + 0.0001)", "gelu(x)", "mish(x)", "x^3 - 2*x/3 + 0.1", "tanh(x)*exp(-x^2/4)", "1/(1 + x^2)"
];

/** f, f' and f'' by the oracle: f directly, derivatives by central differences at h = 1e-18 (60 digits). */
function oracleDerivs(src: string, x: number): [InstanceType<typeof D>, InstanceType<typeof D>, InstanceType<typeof D>] {
  const f = oracle(src);
  const X = exactDec(x), h = new D("1e-18");
  const fp = f(X.add(h)), f0 = f(X), fm = f(X.sub(h));
  return [f0, fp.sub(fm).div(h.mul(2)), fp.sub(f0.mul(2)).add(fm).div(h.mul(h))];
}

describe("compiled scalar programs", () => {
  it("box enclosures of f, f', f'' (simplified, fast kernels) contain the 60-digit truth at random points of random boxes", () => {
    for (const src of EXPRS) {
      const dom: [number, number] = src.includes("log(x)") ? [0.01, 4] : [-8, 8];
      const p = compileScalar(derivativeGraph(simplifyGraph(expressionGraph(src).graph), 2));
      const outs = [p.outputs["f"]!, p.outputs["df"]!, p.outputs["d2f"]!];
      fc.assert(
        fc.property(fc.double({ min: dom[0], max: dom[1], noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (lo, w, t) => {
          const hi = Math.min(dom[1], lo + w);
          const x = lo + (hi - lo) * t;
          const encl = p.box(lo, hi, outs);
          const pt = p.box(x, x, outs);
          const truth = oracleDerivs(src, x);
          truth.forEach((v, k) => {
            // The difference quotients are good to ~1e-24 (60 digits, h² = 1e-36); the margin covers that, not the kernels.
            const slack = v.abs().mul(1e-20).add(1e-20);
            for (const e of [encl[k]!, pt[k]!]) {
              expect(v.gte(exactDec(e.lo).sub(slack)), `${src} output ${k} at ${x} in [${lo}, ${hi}]: ${v} < ${e.lo}`).toBe(true);
              expect(v.lte(exactDec(e.hi).add(slack)), `${src} output ${k} at ${x} in [${lo}, ${hi}]: ${v} > ${e.hi}`).toBe(true);
            }
          });
        }),
        { numRuns: 60, seed: 7 }
      );
    }
  });

  it("simplification keeps the function: simplified and original graphs agree in float64", () => {
    for (const src of [...EXPRS, "log(sigmoid(2*x)) + 1 - sigmoid(x)", "log(exp(x)/2 + exp(-x)/2)", "e^x - exp(x) + x/4"]) {
      const g = expressionGraph(src).graph, s = simplifyGraph(g);
      for (const x of [-3.5, -1, -0.25, 0.5, 1.75, 3]) {
        const a = floatOne(g, x, "f"), b = floatOne(s, x, "f");
        if (!Number.isFinite(a)) continue;
        expect(Math.abs(a - b), `${src} at ${x}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a)));
      }
    }
  });

  it("products and sums keep exact results exact, and overflow stays an enclosure", () => {
    const p = compileScalar(expressionGraph("(1 - x) * 3 + x*x*1e300*1e10").graph);
    const at1 = p.box(1, 1, [p.outputs["f"]!])[0]!;
    expect(at1.hi).toBe(Infinity);
    expect(at1.lo).toBeGreaterThan(1e300);
    const q = compileScalar(expressionGraph("(1 - x) * 0.5").graph);
    expect(q.box(1, 1, [q.outputs["f"]!])[0]).toEqual({ lo: 0, hi: 0 });
    expect(q.box(0.5, 1, [q.outputs["f"]!])[0]!.lo).toBe(0);
  });
});
