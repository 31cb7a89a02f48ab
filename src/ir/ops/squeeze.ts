import type { Attrs } from "../graph.js";
import { ShapeError, fmtShape, normAxis, type Shape } from "../shape.js";
import { attrInts, defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

/** ONNX Squeeze: drop the listed axes (each must have length 1), or every length-1 axis when none are listed. */
export function squeezedShape(shape: Shape, attrs: Attrs): number[] {
  const axes = attrInts(attrs, "axes");
  if (axes === undefined) return shape.filter((d) => d !== 1);
  const drop = new Set<number>();
  for (const a of axes) {
    const k = normAxis(a, shape.length, "Squeeze axis");
    if (drop.has(k)) throw new ShapeError(`axis ${a} listed twice in [${axes.join(",")}]`);
    if (shape[k] !== 1) throw new ShapeError(`cannot squeeze axis ${a} of length ${shape[k]} in ${fmtShape(shape)}`);
    drop.add(k);
  }
  return shape.filter((_, i) => !drop.has(i));
}

/** A reshape that removes length-1 axes: the data is unchanged, so every kernel and rule is a reshape. */
export const Squeeze = defineOp({
  name: "Squeeze",
  ...layoutKernels((): OpDef["eval"] => Squeeze.eval),
  curvature: linearFacts("squeeze"),
  minInputs: 1,
  maxInputs: 1,
  // opset 13+ takes axes as an optional int64 input; absent means "every length-1 axis".
  onnx: { attrInputs: ["axes"] },
  infer: ([x], attrs) => ({ dtype: x!.dtype, shape: squeezedShape(x!.shape, attrs) }),
  eval: ([x], _attrs, type) => ({ dtype: type.dtype, shape: type.shape, data: x!.data }),
  vjp: (g, { inputs: [x] }, gy) => [g.reshape(gy, x!.shape)],
  jvp: (g, { output }, [dx]) => (dx ? g.reshape(dx, output.shape) : null)
});
