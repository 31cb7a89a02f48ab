import type { GraphBuilder, Value } from "../builder.js";
import { reduceAgain, reduceOp, spread, type ReduceInfo } from "./reduce-op.js";
import { REDUCE_MAX_FACTS } from "../curvature-facts.js";
import { exactReduce } from "../exact-tensor.js";
import { intervalReduce } from "../interval-tensor.js";

/** Ties share the adjoint equally (the subgradient in the middle of the maximisers). */
function maxMask(g: GraphBuilder, x: Value, y: Value, info: ReduceInfo): Value {
  const hit = g.cast(g.equal(x, spread(g, x, y, info)), x.dtype);
  return g.div(hit, g.reduceSum(hit, info.axes, true));
}

export const ReduceMax = reduceOp({
  name: "ReduceMax",
  curvature: REDUCE_MAX_FACTS,
  init: Number.NEGATIVE_INFINITY,
  fold: (a, v) => (Number.isNaN(v) || Number.isNaN(a) ? NaN : v > a ? v : a),
  onnx: { attrs: { axes: "ints", keepdims: "int" } },
  exact: ([x], attrs, type) => exactReduce(x!, attrs, type, (acc, v) => (acc && acc.ge(v) ? acc : v)),
  interval: ([x], attrs, type) => intervalReduce(x!, attrs, type, "max"),
  nonSmooth: "at ties the adjoint is shared equally among the maximisers",
  vjp: (g, { inputs: [x], output }, gy, info) => g.mul(spread(g, x!, gy, info), maxMask(g, x!, output, info)),
  jvp: (g, { inputs: [x], output }, dx, info) => reduceAgain(g, "ReduceSum", g.mul(dx, maxMask(g, x!, output, info)), info)
});
