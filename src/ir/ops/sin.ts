import { unaryFloatOp } from "./unary-float-op.js";

export const Sin = unaryFloatOp({
  name: "Sin",
  f: Math.sin,
  derivative: (g, { inputs: [x] }, gy) => g.mul(gy, g.cos(x!))
});
