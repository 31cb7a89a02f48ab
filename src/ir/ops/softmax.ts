import { normAxis } from "../shape.js";
import { inferUnaryFloat, laneKernel } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import { fixedFacts } from "../curvature-facts.js";
import { intervalLanes, intervalSum, iv, type Interval } from "../interval-tensor.js";

/**
 * s_i = Σ_{j≠i} exp(z_j − z_i) for each i, so that softmax_i = 1 / (1 + s_i) and log_softmax_i = −log1p(s_i)
 * exactly. Each term is enclosed separately, so the result is sound (if not tight) on wide boxes and tight
 * at points, and exp never overflows for the largest z_i.
 */
export function othersExpSums(lane: readonly Interval[]): Interval[] {
  return lane.map((zi, i) => intervalSum(lane.filter((_, j) => j !== i).map((zj) => iv.exp(iv.sub(zj, zi)))));
}

function intervalLane(lane: Interval[]): Interval[] {
  return othersExpSums(lane).map((s) => iv.recip(iv.add(iv.ONE, s)));
}

export function softmaxLane(lane: Float64Array): void {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of lane) if (v > m) m = v;
  let s = 0;
  for (let i = 0; i < lane.length; i++) s += lane[i] = Math.exp(lane[i]! - m);
  for (let i = 0; i < lane.length; i++) lane[i]! /= s;
}

/** opset 13+ semantics: normalised along one axis (default -1). Its Jacobian is symmetric, so one rule serves both modes. */
export const Softmax = defineOp({
  name: "Softmax",
  curvature: fixedFacts("softmax", "unknown", "none", "positive"),
  minInputs: 1,
  maxInputs: 1,
  defaults: { axis: -1 },
  onnx: { attrs: { axis: "int" } },
  infer: (types, attrs) => {
    normAxis(attrNum(attrs, "axis"), types[0]!.shape.length, "Softmax axis");
    return inferUnaryFloat(types);
  },
  interval: ([x], attrs, type) => intervalLanes(x!, normAxis(attrNum(attrs, "axis"), x!.shape.length), type, intervalLane),
  eval: ([x], attrs, type) => laneKernel(x!, normAxis(attrNum(attrs, "axis"), x!.shape.length), type, softmaxLane),
  vjp: (g, { output: y, attrs }, gy) => {
    const axis = normAxis(attrNum(attrs, "axis"), y.rank);
    return [g.mul(y, g.sub(gy, g.reduceSum(g.mul(gy, y), [axis], true)))];
  },
  jvp: (g, { output: y, attrs }, [dx]) => {
    if (!dx) return null;
    const axis = normAxis(attrNum(attrs, "axis"), y.rank);
    return g.mul(y, g.sub(dx, g.reduceSum(g.mul(dx, y), [axis], true)));
  }
});
