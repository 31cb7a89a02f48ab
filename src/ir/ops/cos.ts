import { unaryFloatOp } from "./unary-float-op.js";
import { fixedFacts } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

export const Cos = unaryFloatOp({
  name: "Cos",
  curvature: fixedFacts("cos", "unknown", "none", "unknown"),
  f: Math.cos,
  interval: (x) => iv.cos(x),
  derivative: (g, { inputs: [x] }, gy) => g.neg(g.mul(gy, g.sin(x!)))
});
