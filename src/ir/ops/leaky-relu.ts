import { attrNum } from "../op.js";
import { unaryFloatOp } from "./unary-float-op.js";

export const LeakyRelu = unaryFloatOp({
  name: "LeakyRelu",
  defaults: { alpha: 0.01 },
  f: (x, a) => (x >= 0 ? x : attrNum(a, "alpha") * x),
  derivative: (g, { inputs: [x], attrs }, gy) => g.where(g.greater(x!, 0), gy, g.mul(gy, attrNum(attrs, "alpha"))),
  nonSmooth: "LeakyRelu'(0) = alpha",
  onnx: { attrs: { alpha: "float" } }
});
