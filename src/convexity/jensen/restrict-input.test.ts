import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GraphBuilder } from "../../ir/builder.js";
import { tensor } from "../../ir/tensor.js";
import { evaluate } from "../../exec/reference.js";
import { analyzeDcp } from "../dcp/analyze-dcp.js";
import { BLOCK_INPUT, REST_INPUT, joinTheta, restrictToBlock, splitTheta } from "./restrict-input.js";

/** A 1-2-1 ReLU net's square loss with θ = (A1, b1, A2, b2), sliced the way model graphs slice θ. */
function tinyNet() {
  const g = new GraphBuilder("float64");
  const th = g.input("theta", [7]);
  const X = g.constant(tensor([2, 1], [1, -1]));
  const Y = g.constant(tensor([2, 1], [1, -1]));
  const w1 = g.reshape(g.slice(th, [0], [2], [0]), [2, 1]);
  const b1 = g.slice(th, [2], [4], [0]);
  const w2 = g.reshape(g.slice(th, [4], [6], [0]), [1, 2]);
  const b2 = g.slice(th, [6], [7], [0]);
  const out = g.gemm(g.relu(g.gemm(X, w1, b1, { transB: true })), w2, b2, { transB: true });
  const e = g.sub(out, Y);
  // the whole θ also enters once (a weight penalty), exercising the reassembly path
  return g.build({ loss: g.add(g.mul(0.5, g.reduceSum(g.mul(e, e))), g.mul(0.01, g.reduceSum(g.mul(th, th)))) });
}

describe("restrictToBlock", () => {
  const graph = tinyNet();

  it("computes the same loss as the original graph at the joined θ, for every block", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 7 }),
        (theta, offset, len) => {
          const size = Math.min(len, 7 - offset);
          const range = { offset, size };
          const t = Float64Array.from(theta);
          const { block, rest } = splitTheta(t, range);
          expect(Array.from(joinTheta(block, rest, range))).toEqual(Array.from(t));
          const r = restrictToBlock(graph, "theta", range);
          const feeds: Record<string, ReturnType<typeof tensor>> = { [BLOCK_INPUT]: tensor([size], block) };
          if (rest.length) feeds[REST_INPUT] = tensor([rest.length], rest);
          const want = evaluate(graph, { theta: tensor([7], t) }).loss!.data[0]!;
          expect(evaluate(r, feeds).loss!.data[0]).toBeCloseTo(want, 12);
        }
      ),
      { numRuns: 100 }
    );
  });

  it("lets DCP prove the output layer convex for every value of the hidden layer", () => {
    const out = restrictToBlock(graph, "theta", { offset: 4, size: 3 });
    expect(analyzeDcp(out, { wrt: [BLOCK_INPUT] }).curvature).toBe("convex");
    const hidden = restrictToBlock(graph, "theta", { offset: 0, size: 4 });
    expect(analyzeDcp(hidden, { wrt: [BLOCK_INPUT] }).curvature).toBe("unknown");
  });
});
