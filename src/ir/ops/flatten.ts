import { normAxis, sizeOf } from "../shape.js";
import { attrNum, defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

export const Flatten = defineOp({
  name: "Flatten",
  ...layoutKernels((): OpDef["eval"] => Flatten.eval),
  curvature: linearFacts("flatten"),
  minInputs: 1,
  maxInputs: 1,
  defaults: { axis: 1 },
  onnx: { attrs: { axis: "int" } },
  infer: ([x], attrs) => {
    const r = x!.shape.length;
    const raw = attrNum(attrs, "axis", 1);
    // ONNX allows axis in [-r, r]: axis = r flattens everything into the first dimension.
    const axis = raw === r ? r : normAxis(raw, r, "Flatten axis");
    return { dtype: x!.dtype, shape: [sizeOf(x!.shape.slice(0, axis)), sizeOf(x!.shape.slice(axis))] };
  },
  eval: ([x], _attrs, type) => ({ dtype: type.dtype, shape: type.shape, data: x!.data }),
  vjp: (g, { inputs: [x] }, gy) => [g.reshape(gy, x!.shape)],
  jvp: (g, { output }, [dx]) => (dx ? g.reshape(dx, output.shape) : null)
});
