import { unaryFloatOp } from "./unary-float-op.js";
import { fixedFacts } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

/** log(1 + e^x) without overflow for large x or cancellation for very negative x. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export const Softplus = unaryFloatOp({
  name: "Softplus",
  curvature: fixedFacts("softplus", "convex", "increasing", "positive"),
  f: softplus,
  interval: (x) => iv.softplus(x),
  derivative: (g, { inputs: [x] }, gy) => g.mul(gy, g.sigmoid(x!)),
  onnx: {
    // onnxruntime's CPU provider has no float64 Softplus: max(x,0) + log(1 + exp(-|x|)), stable both ways.
    decompose: {
      dtypes: ["float64"],
      rewrite: (g, [x]) => g.add(g.relu(x!), g.log(g.add(1, g.exp(g.neg(g.abs(x!))))))
    }
  }
});
