import { unaryFloatOp } from "./unary-float-op.js";

export const Abs = unaryFloatOp({
  name: "Abs",
  f: (x) => Math.abs(x),
  derivative: (g, { inputs: [x] }, gy) => g.mul(gy, g.sign(x!)),
  nonSmooth: "Abs'(0) = 0 (the midpoint of the subdifferential [-1, 1])"
});
