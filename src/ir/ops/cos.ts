import { unaryFloatOp } from "./unary-float-op.js";

export const Cos = unaryFloatOp({
  name: "Cos",
  f: Math.cos,
  derivative: (g, { inputs: [x] }, gy) => g.neg(g.mul(gy, g.sin(x!)))
});
