import { unaryFloatOp } from "./unary-float-op.js";
import { fixedFacts } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

export const Sin = unaryFloatOp({
  name: "Sin",
  curvature: fixedFacts("sin", "unknown", "none", "unknown"),
  f: Math.sin,
  interval: (x) => iv.sin(x),
  derivative: (g, { inputs: [x] }, gy) => g.mul(gy, g.cos(x!))
});
