import { unaryFloatOp } from "./unary-float-op.js";

export const Tanh = unaryFloatOp({
  name: "Tanh",
  f: Math.tanh,
  derivative: (g, { output: y }, gy) => g.mul(gy, g.sub(1, g.mul(y, y)))
});
