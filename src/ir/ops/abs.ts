import { unaryFloatOp } from "./unary-float-op.js";
import { ABS_FACTS } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

export const Abs = unaryFloatOp({
  name: "Abs",
  curvature: ABS_FACTS,
  f: (x) => Math.abs(x),
  exact: (x) => x.abs(),
  interval: (x) => iv.abs(x),
  derivative: (g, { inputs: [x] }, gy) => g.mul(gy, g.sign(x!)),
  nonSmooth: "Abs'(0) = 0 (the midpoint of the subdifferential [-1, 1])"
});
