import { reduceAgain, reduceOp, spread } from "./reduce-op.js";
import { linearFacts } from "../curvature-facts.js";
import { Rational } from "../../num/rational.js";
import { exactReduce } from "../exact-tensor.js";
import { intervalReduce } from "../interval-tensor.js";

export const ReduceMean = reduceOp({
  name: "ReduceMean",
  curvature: linearFacts("mean"),
  init: 0,
  fold: (a, v) => a + v,
  finish: (a, n) => a / n,
  exact: ([x], attrs, type) =>
    exactReduce(x!, attrs, type, (acc, v) => (acc ? acc.add(v) : v), (acc, n) => acc.div(Rational.fromInt(n))),
  interval: ([x], attrs, type) => intervalReduce(x!, attrs, type, "mean"),
  // opset 17 still takes ReduceMean axes as an attribute
  onnx: { attrs: { axes: "ints", keepdims: "int" } },
  vjp: (g, { inputs: [x] }, gy, info) => g.div(spread(g, x!, gy, info), info.count),
  jvp: (g, _ctx, dx, info) => reduceAgain(g, "ReduceMean", dx, info)
});
