import { unaryFloatOp } from "./unary-float-op.js";
import { fixedFacts } from "../curvature-facts.js";
import { Rational } from "../../num/rational.js";
import { iv } from "../interval-tensor.js";

export const Relu = unaryFloatOp({
  name: "Relu",
  curvature: fixedFacts("relu", "convex", "increasing", "nonneg"),
  f: (x) => (x > 0 ? x : 0),
  exact: (x) => (x.sign() > 0 ? x : Rational.ZERO),
  interval: (x) => iv.relu(x),
  derivative: (g, { inputs: [x] }, gy) => g.where(g.greater(x!, 0), gy, 0),
  nonSmooth: "Relu'(0) = 0"
});
