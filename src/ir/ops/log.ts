import { unaryFloatOp } from "./unary-float-op.js";

export const Log = unaryFloatOp({
  name: "Log",
  f: Math.log,
  derivative: (g, { inputs: [x] }, gy) => g.div(gy, x!)
});
