import { broadcastShapes } from "../shape.js";
import { expandKernel } from "../kernels.js";
import { attrInts, defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

/** ONNX Expand: bidirectional broadcast of x against `shape`. */
export const Expand = defineOp({
  name: "Expand",
  ...layoutKernels((): OpDef["eval"] => Expand.eval),
  curvature: linearFacts("broadcast"),
  minInputs: 1,
  maxInputs: 1,
  onnx: { attrInputs: ["shape"] },
  infer: ([x], attrs) => ({ dtype: x!.dtype, shape: broadcastShapes(x!.shape, attrInts(attrs, "shape") ?? []) }),
  eval: ([x], _attrs, type) => expandKernel(x!, type),
  vjp: (g, { inputs: [x] }, gy) => [g.unbroadcast(gy, x!.shape)],
  jvp: (g, { output }, [dx]) => (dx ? g.broadcastTo(dx, output.shape) : null)
});
