import { describe, expect, it } from "vitest";
import { tensor } from "../ir/tensor.js";
import { evaluateExactFromFloat, exactScalar, isExactlyEvaluable } from "../exec/exact-interpreter.js";
import { evaluateIntervalAt } from "../exec/interval-interpreter.js";
import { SEED_RELU } from "./examples.js";
import { buildModelGraph } from "./mlp.js";
import { parseModelSpec } from "./spec.js";
import { resolveData } from "./data.js";

describe("the seed answer's network in exact arithmetic", () => {
  const spec = parseModelSpec(SEED_RELU.spec);
  const { graph } = buildModelGraph(spec, resolveData(spec), { withAccuracy: false });
  const theta1 = SEED_RELU.params!["theta1"]!;
  const theta2 = SEED_RELU.params!["theta2"]!;
  const mid = theta1.map((v, i) => (v + theta2[i]!) / 2);
  const loss = (theta: readonly number[]) => exactScalar(evaluateExactFromFloat(graph, { theta: tensor([7], theta) }).loss!);

  it("is exactly evaluable (ReLU, Gemm, squares and sums only)", () => {
    expect(isExactlyEvaluable(graph)).toBe(true);
  });

  it("has losses exactly 0 at θ1 and θ2 and exactly 1 at their midpoint", () => {
    expect(loss(theta1).toString()).toBe("0");
    expect(loss(theta2).toString()).toBe("0");
    expect(loss(mid).toString()).toBe("1");
  });

  it("gives point enclosures of the same three values in interval arithmetic", () => {
    const at = (theta: readonly number[]) => evaluateIntervalAt(graph, { theta: tensor([7], theta) }).loss!;
    for (const [theta, v] of [[theta1, 0], [theta2, 0], [mid, 1]] as const) {
      const r = at(theta);
      expect([r.lo[0], r.hi[0]]).toEqual([v, v]);
    }
  });
});
