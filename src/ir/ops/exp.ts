import { unaryFloatOp } from "./unary-float-op.js";
import { fixedFacts } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

export const Exp = unaryFloatOp({
  name: "Exp",
  curvature: fixedFacts("exp", "convex", "increasing", "positive"),
  f: Math.exp,
  interval: (x) => iv.exp(x),
  derivative: (g, { output }, gy) => g.mul(gy, output)
});
