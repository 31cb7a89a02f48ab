import { unaryFloatOp } from "./unary-float-op.js";
import { sCurveFacts } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

/** Evaluated in the form that cannot overflow on either side. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export const Sigmoid = unaryFloatOp({
  name: "Sigmoid",
  curvature: sCurveFacts("sigmoid", "positive"),
  f: sigmoid,
  interval: (x) => iv.sigmoid(x),
  derivative: (g, { output: y }, gy) => g.mul(gy, g.mul(y, g.sub(1, y))),
  onnx: {
    // onnxruntime's float64 Sigmoid is accurate only in absolute terms (Sigmoid(-40) = 0 exactly);
    // with e = exp(-|x|) both tails keep full relative precision.
    decompose: {
      dtypes: ["float64"],
      rewrite: (g, [x]) => {
        const e = g.exp(g.neg(g.abs(x!)));
        const r = g.div(1, g.add(1, e));
        return g.where(g.less(x!, 0), g.mul(e, r), r);
      }
    }
  }
});
