import { attrNum } from "../op.js";
import { unaryFloatOp } from "./unary-float-op.js";

export const LeakyRelu = unaryFloatOp({
  name: "LeakyRelu",
  defaults: { alpha: 0.01 },
  f: (x, a) => (x >= 0 ? x : attrNum(a, "alpha") * x),
  derivative: (g, { inputs: [x], attrs }, gy) => g.where(g.greater(x!, 0), gy, g.mul(gy, attrNum(attrs, "alpha"))),
  nonSmooth: "LeakyRelu'(0) = alpha",
  onnx: {
    attrs: { alpha: "float" },
    // ONNX FLOAT attributes are 32-bit, so alpha = 0.01 would become 0.0099999998 in a float64 model.
    decompose: {
      dtypes: ["float64"],
      rewrite: (g, [x], attrs) => g.where(g.less(x!, 0), g.mul(x!, attrNum(attrs, "alpha")), x!)
    }
  }
});
