import { unaryFloatOp } from "./unary-float-op.js";
import { sCurveFacts } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

export const Tanh = unaryFloatOp({
  name: "Tanh",
  curvature: sCurveFacts("tanh", "same"),
  f: Math.tanh,
  interval: (x) => iv.tanh(x),
  derivative: (g, { output: y }, gy) => g.mul(gy, g.sub(1, g.mul(y, y)))
});
