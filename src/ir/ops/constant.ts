import { defineOp } from "../op.js";
import type { Tensor } from "../tensor.js";

/** Constants carry their tensor in attr `value`; the ONNX export turns them into initializers. */
export const Constant = defineOp({
  name: "Constant",
  minInputs: 0,
  maxInputs: 0,
  infer: (_t, attrs) => {
    const v = attrs["value"] as Tensor;
    return { dtype: v.dtype, shape: v.shape };
  },
  eval: (_x, attrs) => attrs["value"] as Tensor,
  vjp: () => [],
  jvp: () => null
});
