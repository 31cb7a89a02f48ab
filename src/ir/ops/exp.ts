import { unaryFloatOp } from "./unary-float-op.js";

export const Exp = unaryFloatOp({
  name: "Exp",
  f: Math.exp,
  derivative: (g, { output }, gy) => g.mul(gy, output)
});
