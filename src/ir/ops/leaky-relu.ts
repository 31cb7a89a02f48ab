import { attrNum } from "../op.js";
import { unaryFloatOp } from "./unary-float-op.js";
import { LEAKY_RELU_FACTS } from "../curvature-facts.js";
import { Rational } from "../../num/rational.js";
import { iv } from "../interval-tensor.js";

export const LeakyRelu = unaryFloatOp({
  name: "LeakyRelu",
  curvature: LEAKY_RELU_FACTS,
  defaults: { alpha: 0.01 },
  f: (x, a) => (x >= 0 ? x : attrNum(a, "alpha") * x),
  exact: (x, a) => (x.sign() >= 0 ? x : x.mul(Rational.fromFloat(attrNum(a, "alpha")))),
  interval: (x, a) => iv.leakyRelu(x, attrNum(a, "alpha")),
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
