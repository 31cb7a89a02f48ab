import { describe, expect, it } from "vitest";
import { evaluateExact } from "../../exec/exact-interpreter.js";
import { evaluateInterval } from "../../exec/interval-interpreter.js";
import { createReferenceExecutor } from "../../exec/reference.js";
import { GraphBuilder } from "../../ir/builder.js";
import { tensor } from "../../ir/tensor.js";
import { Rational } from "../../num/rational.js";
import { DeadlinePassed, deadlineCheck, withCheckpoint } from "../../util/checkpoint.js";
import { createRng } from "../../util/random.js";
import { LossOracle } from "./loss-oracle.js";
import { searchJensen } from "./search-jensen.js";
import { verifyJensen, type LossGraphRef } from "./verify-jensen.js";

/**
 * (θ0·θ1 − 1)² plus 0 × (a 160×160 by 160×160 product of constants): not convex, cheap in float64,
 * and minutes in exact rationals (4M products of 53-bit fractions), like a real data set's check.
 */
function slowToVerify(): LossGraphRef {
  const rng = createRng(3);
  const m = 160;
  const c = (): ReturnType<typeof tensor> => tensor([m, m], Float64Array.from({ length: m * m }, () => rng.normal()));
  const g = new GraphBuilder("float64");
  const th = g.input("theta", [2]);
  const p = g.reduceSum(g.mul(g.slice(th, [0], [1], [0]), g.slice(th, [1], [2], [0])));
  const e = g.sub(p, 1);
  const heavy = g.reduceSum(g.matmul(g.constant(c()), g.constant(c())));
  return { graph: g.build({ loss: g.add(g.mul(e, e), g.mul(0, heavy)) }), input: "theta", output: "loss" };
}

describe("the time budget bounds the rigorous check too", () => {
  it("a check that would take minutes is cut at the deadline; the search says so", async () => {
    const ref = slowToVerify();
    const oracle = new LossOracle(ref.graph, ref.input, ref.output, createReferenceExecutor());
    const t0 = Date.now();
    const budgetMs = 1500;
    const r = await searchJensen(oracle, {
      seed: 1, deadline: t0 + budgetMs, verify: (c) => verifyJensen(ref, c), strategies: ["random pairs"], starts: [Float64Array.of(0.1, 0.1)]
    });
    const spent = Date.now() - t0;
    expect(r.found).toBeUndefined();
    expect(r.timedOut).toBe(true);
    expect(r.unverified?.strategy).toBe("random pairs");
    expect(r.unverified!.gap).toBeGreaterThan(0);
    // one matrix row of rationals past the deadline at most, not the minutes the whole check takes
    expect(spent).toBeLessThan(budgetMs + 1000);
  });

  it("the exact and interval interpreters stop at a checkpoint once the deadline has passed", () => {
    const ref = slowToVerify();
    const past = deadlineCheck(Date.now() - 1);
    const theta = [Rational.fromFloat(0.5), Rational.fromFloat(2)];
    expect(() => withCheckpoint(past, () => evaluateExact(ref.graph, { theta: { shape: [2], data: theta } }, ["loss"]))).toThrow(DeadlinePassed);
    const box = { shape: [2], lo: Float64Array.of(0.5, 2), hi: Float64Array.of(0.5, 2) };
    expect(() => withCheckpoint(past, () => evaluateInterval(ref.graph, { theta: box }, ["loss"]))).toThrow(DeadlinePassed);
    // without a check installed, checkpoints do nothing: the interval check runs to the end
    expect(evaluateInterval(ref.graph, { theta: box }, ["loss"])["loss"]!.lo[0]).toBeLessThanOrEqual(0);
  });

  it("nested checks both apply, and the outer one is restored after", () => {
    let outer = 0, inner = 0;
    withCheckpoint(() => void outer++, () => {
      withCheckpoint(() => void inner++, () => evaluateInterval(slowToVerify().graph, { theta: { shape: [2], lo: Float64Array.of(1, 1), hi: Float64Array.of(1, 1) } }, ["loss"]));
      const before = outer;
      evaluateInterval(slowToVerify().graph, { theta: { shape: [2], lo: Float64Array.of(1, 1), hi: Float64Array.of(1, 1) } }, ["loss"]);
      expect(outer).toBeGreaterThan(before);
    });
    expect(inner).toBeGreaterThan(0);
    expect(outer).toBeGreaterThan(inner);
  });
});
