import { ShapeError, fmtShape, sizeOf } from "../shape.js";
import { requireFloat } from "../kernels.js";
import { defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import type { Attrs } from "../graph.js";
import { ReduceMean } from "./reduce-mean.js";

/** GlobalAveragePool is ReduceMean over the spatial axes with keepdims: its kernels are ReduceMean's. */
function meanAttrs(rank: number): Attrs {
  return { axes: Array.from({ length: rank - 2 }, (_, i) => i + 2), keepdims: 1 };
}

export const GlobalAveragePool = defineOp({
  name: "GlobalAveragePool",
  minInputs: 1,
  maxInputs: 1,
  curvature: linearFacts("global average pool"),
  onnx: {
    // onnxruntime's CPU GlobalAveragePool is float32 only (measured)
    decompose: { dtypes: ["float64"], rewrite: (g, [x]) => g.reduceMean(x!, meanAttrs(x!.rank)["axes"] as number[], true) }
  },
  infer: ([x]) => {
    requireFloat(x!);
    if (x!.shape.length < 3) throw new ShapeError(`input must be [N, C, spatial...] (rank >= 3), got ${fmtShape(x!.shape)}`);
    return { dtype: x!.dtype, shape: x!.shape.map((d, i) => (i < 2 ? d : 1)) };
  },
  eval: ([x], _attrs, type) => ReduceMean.eval([x!], meanAttrs(x!.shape.length), type),
  exact: ([x], _attrs, type) => ReduceMean.exact!([x!], meanAttrs(x!.shape.length), type),
  interval: ([x], _attrs, type) => ReduceMean.interval!([x!], meanAttrs(x!.shape.length), type),
  vjp: (g, { inputs: [x] }, gy) => [g.div(g.expand(gy, x!.shape), sizeOf(x!.shape.slice(2)))],
  jvp: (g, _ctx, [dx]) => (dx ? g.op("GlobalAveragePool", [dx]) : null)
});
