import { unaryFloatOp } from "./unary-float-op.js";
import { fixedFacts } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

export const Log = unaryFloatOp({
  name: "Log",
  curvature: fixedFacts("log (x > 0)", "concave", "increasing", "unknown"),
  f: Math.log,
  interval: (x) => iv.log(x),
  derivative: (g, { inputs: [x] }, gy) => g.div(gy, x!)
});
