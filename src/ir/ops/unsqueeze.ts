import type { Attrs } from "../graph.js";
import { ShapeError, normAxis, type Shape } from "../shape.js";
import { attrInts, defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

/** ONNX Unsqueeze: axes index the output (rank + len(axes)), negative ones counted from its end. */
export function unsqueezedShape(shape: Shape, attrs: Attrs): number[] {
  const axes = attrInts(attrs, "axes");
  if (axes === undefined || axes.length === 0) throw new ShapeError("Unsqueeze needs a non-empty axes list");
  const rank = shape.length + axes.length;
  const ins = new Set<number>();
  for (const a of axes) {
    const k = normAxis(a, rank, "Unsqueeze axis");
    if (ins.has(k)) throw new ShapeError(`axis ${a} listed twice in [${axes.join(",")}]`);
    ins.add(k);
  }
  const res: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) res.push(ins.has(i) ? 1 : shape[j++]!);
  return res;
}

/** A reshape that inserts length-1 axes: the data is unchanged, so every kernel and rule is a reshape. */
export const Unsqueeze = defineOp({
  name: "Unsqueeze",
  ...layoutKernels((): OpDef["eval"] => Unsqueeze.eval),
  curvature: linearFacts("unsqueeze"),
  minInputs: 1,
  maxInputs: 1,
  // opset 13+ takes axes as a required int64 input
  onnx: { attrInputs: ["axes"] },
  infer: ([x], attrs) => ({ dtype: x!.dtype, shape: unsqueezedShape(x!.shape, attrs) }),
  eval: ([x], _attrs, type) => ({ dtype: type.dtype, shape: type.shape, data: x!.data }),
  vjp: (g, { inputs: [x] }, gy) => [g.reshape(gy, x!.shape)],
  jvp: (g, { output }, [dx]) => (dx ? g.reshape(dx, output.shape) : null)
});
