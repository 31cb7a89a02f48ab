import { ShapeError } from "../shape.js";
import { requireFloat } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

/**
 * ONNX Dropout in inference mode, the only mode an analysed loss has: the identity on X. ratio,
 * training_mode (opset 12+ inputs, static attributes here) and seed are kept for the record; only
 * output 0 exists (the mask output is never needed at inference, where it would be all true).
 * Training mode is refused: it draws a random mask, so the graph would not be a function of its inputs.
 */
export const Dropout = defineOp({
  name: "Dropout",
  ...layoutKernels((): OpDef["eval"] => Dropout.eval),
  curvature: linearFacts("dropout (inference: identity)"),
  minInputs: 1,
  maxInputs: 1,
  defaults: { ratio: 0.5, training_mode: 0 },
  // Exported as Identity: no random state to carry.
  onnx: { decompose: { dtypes: ["float32", "float64"], rewrite: (g, [x]) => g.identity(x!) } },
  infer: ([x], attrs) => {
    requireFloat(x!);
    if (attrNum(attrs, "training_mode", 0) !== 0) {
      throw new ShapeError("training_mode = 1 is not supported: only inference-mode Dropout (the identity) is a deterministic function");
    }
    const ratio = attrNum(attrs, "ratio", 0.5);
    if (!(ratio >= 0 && ratio < 1)) throw new ShapeError(`ratio must be in [0, 1), got ${ratio}`);
    return { dtype: x!.dtype, shape: x!.shape };
  },
  eval: ([x], _attrs, type) => ({ dtype: type.dtype, shape: type.shape, data: x!.data }),
  vjp: (_g, _ctx, gy) => [gy],
  jvp: (_g, _ctx, [dx]) => dx ?? null
});
