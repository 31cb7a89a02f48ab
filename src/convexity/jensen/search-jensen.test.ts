import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../ir/builder.js";
import { createReferenceExecutor } from "../../exec/reference.js";
import { analyzeLossConvexity } from "./analyze-loss-convexity.js";
import { LossOracle } from "./loss-oracle.js";
import { searchJensen, type JensenStrategy } from "./search-jensen.js";
import { verifyJensen, type LossGraphRef } from "./verify-jensen.js";

/** L(θ) = (θ0·θ1 − 1)²: the 1-1-1 linear network, not convex (its Hessian at 0 has eigenvalue −2). */
function bilinear(): LossGraphRef {
  const g = new GraphBuilder("float64");
  const th = g.input("theta", [2]);
  const p = g.reduceSum(g.mul(g.slice(th, [0], [1], [0]), g.slice(th, [1], [2], [0])));
  const e = g.sub(p, 1);
  return { graph: g.build({ loss: g.mul(e, e) }), input: "theta", output: "loss" };
}

/** Σ θᵢ⁴ written as (θ·θ)·(θ·θ): convex, with a flat bottom where curvature probes see nothing negative. */
function convexSmooth(): LossGraphRef {
  const g = new GraphBuilder("float64");
  const th = g.input("theta", [3]);
  const sq = g.mul(th, th);
  return { graph: g.build({ loss: g.reduceSum(g.mul(sq, sq)) }), input: "theta", output: "loss" };
}

async function run(ref: LossGraphRef, strategies: JensenStrategy[], seed = 1) {
  const oracle = new LossOracle(ref.graph, ref.input, ref.output, createReferenceExecutor());
  return searchJensen(oracle, { seed, deadline: Date.now() + 20_000, verify: (c) => verifyJensen(ref, c), strategies, starts: [new Float64Array(2).fill(0.1)] });
}

describe("Jensen search strategies", () => {
  for (const s of ["random pairs", "gap ascent", "negative curvature"] as const) {
    it(`${s} alone finds a verified violation for (θ0·θ1 − 1)²`, async () => {
      const r = await run(bilinear(), [s]);
      expect(r.found?.candidate.strategy).toBe(s);
      expect(r.found!.verification.valid).toBe(true);
      expect(r.found!.verification.method).toBe("exact rationals");
      // independent re-check of what was returned
      expect(verifyJensen(bilinear(), r.found!.candidate).valid).toBe(true);
    });
  }

  it("caller-supplied symmetry pairs come first", async () => {
    const ref = bilinear();
    const oracle = new LossOracle(ref.graph, ref.input, ref.output, createReferenceExecutor());
    const r = await searchJensen(oracle, {
      seed: 0, deadline: Date.now() + 10_000, verify: (c) => verifyJensen(ref, c),
      symmetry: () => [{ thetaA: Float64Array.of(1, 1), thetaB: Float64Array.of(-1, -1), t: 0.5, strategy: "symmetry", description: "sign flip" }]
    });
    expect(r.found?.candidate.strategy).toBe("symmetry");
    expect(r.found!.verification.exact).toEqual({ a: "0", b: "0", mid: "1", gap: "1" });
  });

  it("never reports a certificate for a convex loss (every strategy run, DCP bypassed)", async () => {
    const ref = convexSmooth();
    const oracle = new LossOracle(ref.graph, ref.input, ref.output, createReferenceExecutor());
    const r = await searchJensen(oracle, { seed: 3, deadline: Date.now() + 20_000, verify: (c) => verifyJensen(ref, c) });
    expect(r.found).toBeUndefined();
    expect(r.reports.map((x) => x.strategy)).toEqual(["symmetry", "random pairs", "gap ascent", "negative curvature"]);
  });

  it("analyzeLossConvexity: DCP proves a convex loss without searching", async () => {
    const r = await analyzeLossConvexity({ ...convexSmooth(), executor: createReferenceExecutor(), seed: 0, budgetSeconds: 5 });
    expect(r.verdict).toBe("convex");
    expect(r.proof?.method).toBe("DCP");
    expect(r.search).toBeUndefined();
  });
});
