import { defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

export const Identity = defineOp({
  name: "Identity",
  ...layoutKernels((): OpDef["eval"] => Identity.eval),
  curvature: linearFacts("identity"),
  minInputs: 1,
  maxInputs: 1,
  infer: ([x]) => ({ dtype: x!.dtype, shape: x!.shape }),
  eval: ([x], _a, type) => ({ dtype: type.dtype, shape: type.shape, data: x!.data }),
  vjp: (_g, _ctx, gy) => [gy],
  jvp: (_g, _ctx, [dx]) => dx ?? null
});
