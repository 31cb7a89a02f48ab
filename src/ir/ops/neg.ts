import { unaryFloatOp } from "./unary-float-op.js";

export const Neg = unaryFloatOp({
  name: "Neg",
  f: (x) => -x,
  derivative: (g, _ctx, gy) => g.neg(gy)
});
