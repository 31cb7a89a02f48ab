import { normAxis } from "../shape.js";
import { inferUnaryFloat, laneKernel } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import { fixedFacts } from "../curvature-facts.js";
import { intervalLanes, iv, type Interval } from "../interval-tensor.js";
import { othersExpSums } from "./softmax.js";

function intervalLane(lane: Interval[]): Interval[] {
  return othersExpSums(lane).map((s) => iv.neg(iv.log1p(s)));
}

function logSoftmaxLane(lane: Float64Array): void {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of lane) if (v > m) m = v;
  let s = 0;
  for (const v of lane) s += Math.exp(v - m);
  const lse = m + Math.log(s);
  for (let i = 0; i < lane.length; i++) lane[i]! -= lse;
}

export const LogSoftmax = defineOp({
  name: "LogSoftmax",
  curvature: fixedFacts("log_softmax (z − logsumexp(z), concave)", "concave", "none", "nonpos"),
  minInputs: 1,
  maxInputs: 1,
  defaults: { axis: -1 },
  onnx: { attrs: { axis: "int" } },
  infer: (types, attrs) => {
    normAxis(attrNum(attrs, "axis"), types[0]!.shape.length, "LogSoftmax axis");
    return inferUnaryFloat(types);
  },
  interval: ([x], attrs, type) => intervalLanes(x!, normAxis(attrNum(attrs, "axis"), x!.shape.length), type, intervalLane),
  eval: ([x], attrs, type) => laneKernel(x!, normAxis(attrNum(attrs, "axis"), x!.shape.length), type, logSoftmaxLane),
  vjp: (g, { output: y, attrs }, gy) => {
    const axis = normAxis(attrNum(attrs, "axis"), y.rank);
    return [g.sub(gy, g.mul(g.exp(y), g.reduceSum(gy, [axis], true)))];
  },
  jvp: (g, { output: y, attrs }, [dx]) => {
    if (!dx) return null;
    const axis = normAxis(attrNum(attrs, "axis"), y.rank);
    return g.sub(dx, g.reduceSum(g.mul(g.exp(y), dx), [axis], true));
  }
});
