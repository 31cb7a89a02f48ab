import { unaryFloatOp } from "./unary-float-op.js";

export const Sqrt = unaryFloatOp({
  name: "Sqrt",
  f: Math.sqrt,
  derivative: (g, { output }, gy) => g.div(gy, g.mul(2, output))
});
