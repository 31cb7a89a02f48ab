import { DTYPES, isFloat, type DType } from "../dtype.js";
import { ShapeError } from "../shape.js";
import { mapUnary } from "../kernels.js";
import { defineOp } from "../op.js";

function target(to: unknown): DType {
  if (typeof to !== "string" || !DTYPES.includes(to as DType)) throw new ShapeError(`Cast: unknown target dtype ${String(to)}`);
  return to as DType;
}

export const Cast = defineOp({
  name: "Cast",
  minInputs: 1,
  maxInputs: 1,
  infer: ([x], attrs) => ({ dtype: target(attrs["to"]), shape: x!.shape }),
  eval: ([x], attrs, type) => {
    const to = target(attrs["to"]);
    if (to === "bool") return mapUnary(x!, type, (v) => (v !== 0 ? 1 : 0));
    if (to === "int64") return mapUnary(x!, type, (v) => Math.trunc(v));
    return mapUnary(x!, type, (v) => v);
  },
  vjp: (g, { inputs: [x] }, gy) => [isFloat(x!.dtype) ? g.cast(gy, x!.dtype) : null],
  jvp: (g, { inputs: [x], output }, [dx]) => (dx && isFloat(x!.dtype) && isFloat(output.dtype) ? g.cast(dx, output.dtype) : null),
  // "to" is written as the ONNX TensorProto data type code by the exporter.
  onnx: { attrs: { to: "int" } }
});
