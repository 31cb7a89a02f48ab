import { reduceAgain, reduceOp, spread } from "./reduce-op.js";
import { linearFacts } from "../curvature-facts.js";
import { Rational } from "../../num/rational.js";
import { exactReduce } from "../exact-tensor.js";
import { intervalReduce } from "../interval-tensor.js";

export const ReduceSum = reduceOp({
  name: "ReduceSum",
  curvature: linearFacts("sum"),
  init: 0,
  fold: (a, v) => a + v,
  exact: ([x], attrs, type) => exactReduce(x!, attrs, type, (acc, v) => (acc ? acc.add(v) : v), undefined, Rational.ZERO),
  interval: ([x], attrs, type) => intervalReduce(x!, attrs, type, "sum"),
  // opset 13+: axes is an int64 input, keepdims an attribute
  onnx: { attrs: { keepdims: "int" }, attrInputs: ["axes"] },
  vjp: (g, { inputs: [x] }, gy, info) => spread(g, x!, gy, info),
  jvp: (g, _ctx, dx, info) => reduceAgain(g, "ReduceSum", dx, info)
});
