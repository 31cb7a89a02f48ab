import { ShapeError, fmtShape, sizeOf, type Shape } from "../shape.js";
import { attrInts, defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

/** ONNX Reshape with allowzero = 0: 0 copies the input dimension, one -1 is inferred. */
export function resolveReshape(input: Shape, target: readonly number[]): number[] {
  const res = target.map((d, i) => (d === 0 ? input[i] ?? NaN : d));
  const neg = res.filter((d) => d === -1).length;
  if (neg > 1 || res.some((d) => Number.isNaN(d) || (d < 0 && d !== -1) || !Number.isInteger(d))) {
    throw new ShapeError(`invalid target shape ${fmtShape(target)} for input ${fmtShape(input)}`);
  }
  const n = sizeOf(input);
  if (neg === 1) {
    const known = sizeOf(res.filter((d) => d !== -1));
    if (known === 0 || n % known !== 0) throw new ShapeError(`cannot reshape ${fmtShape(input)} to ${fmtShape(target)}`);
    res[res.indexOf(-1)] = n / known;
  }
  if (sizeOf(res) !== n) throw new ShapeError(`cannot reshape ${fmtShape(input)} (${n} elements) to ${fmtShape(target)}`);
  return res;
}

export const Reshape = defineOp({
  name: "Reshape",
  ...layoutKernels((): OpDef["eval"] => Reshape.eval),
  curvature: linearFacts("reshape"),
  minInputs: 1,
  maxInputs: 1,
  onnx: { attrInputs: ["shape"] },
  infer: ([x], attrs) => ({ dtype: x!.dtype, shape: resolveReshape(x!.shape, attrInts(attrs, "shape") ?? []) }),
  eval: ([x], _attrs, type) => ({ dtype: type.dtype, shape: type.shape, data: x!.data }),
  vjp: (g, { inputs: [x] }, gy) => [g.reshape(gy, x!.shape)],
  jvp: (g, { output }, [dx]) => (dx ? g.reshape(dx, output.shape) : null)
});
