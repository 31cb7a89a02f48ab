import { unaryFloatOp } from "./unary-float-op.js";

export const Relu = unaryFloatOp({
  name: "Relu",
  f: (x) => (x > 0 ? x : 0),
  derivative: (g, { inputs: [x] }, gy) => g.where(g.greater(x!, 0), gy, 0),
  nonSmooth: "Relu'(0) = 0"
});
