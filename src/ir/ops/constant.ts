import { defineOp } from "../op.js";
import type { Tensor } from "../tensor.js";
import { NotExactError, exactFromTensor } from "../exact-tensor.js";
import { pointTensor } from "../interval-tensor.js";

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
  exact: (_x, attrs) => {
    const v = attrs["value"] as Tensor;
    if (!v.data.every(Number.isFinite)) throw new NotExactError("constant has a non-finite entry");
    return exactFromTensor(v);
  },
  interval: (_x, attrs) => pointTensor(attrs["value"] as Tensor),
  vjp: () => [],
  jvp: () => null
});
