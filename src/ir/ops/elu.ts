import { attrNum } from "../op.js";
import { unaryFloatOp } from "./unary-float-op.js";
import { ELU_FACTS } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

export const Elu = unaryFloatOp({
  name: "Elu",
  curvature: ELU_FACTS,
  defaults: { alpha: 1 },
  f: (x, a) => (x >= 0 ? x : attrNum(a, "alpha") * Math.expm1(x)),
  interval: (x, a) => iv.elu(x, attrNum(a, "alpha")),
  derivative: (g, { inputs: [x], output: y, attrs }, gy) =>
    g.where(g.greater(x!, 0), gy, g.mul(gy, g.add(y, attrNum(attrs, "alpha")))),
  nonSmooth: "Elu'(0) = alpha (one-sided from the left); smooth when alpha = 1",
  onnx: {
    attrs: { alpha: "float" },
    // No float64 Elu kernel in onnxruntime's CPU provider: x > 0 ? x : alpha * (exp(min(x, 0)) - 1).
    decompose: {
      dtypes: ["float64"],
      rewrite: (g, [x], attrs) =>
        g.where(g.greater(x!, 0), x!, g.mul(attrNum(attrs, "alpha"), g.sub(g.exp(g.min(x!, 0)), 1)))
    }
  }
});
