import { defineOp } from "../op.js";

export const Identity = defineOp({
  name: "Identity",
  minInputs: 1,
  maxInputs: 1,
  infer: ([x]) => ({ dtype: x!.dtype, shape: x!.shape }),
  eval: ([x], _a, type) => ({ dtype: type.dtype, shape: type.shape, data: x!.data }),
  vjp: (_g, _ctx, gy) => [gy],
  jvp: (_g, _ctx, [dx]) => dx ?? null
});
