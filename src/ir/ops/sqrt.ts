import { unaryFloatOp } from "./unary-float-op.js";
import { fixedFacts } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

export const Sqrt = unaryFloatOp({
  name: "Sqrt",
  curvature: fixedFacts("sqrt (x ≥ 0)", "concave", "increasing", "nonneg"),
  f: Math.sqrt,
  interval: (x) => iv.sqrt(x),
  derivative: (g, { output }, gy) => g.div(gy, g.mul(2, output))
});
