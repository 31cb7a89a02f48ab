import { inferUnaryFloat, mapUnary } from "../kernels.js";
import { defineOp } from "../op.js";

/** Piecewise constant: its derivative is zero wherever it exists, so no adjoint flows through it. */
export const Sign = defineOp({
  name: "Sign",
  minInputs: 1,
  maxInputs: 1,
  infer: inferUnaryFloat,
  eval: ([x], _a, type) => mapUnary(x!, type, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0)),
  vjp: () => [null],
  jvp: () => null,
  nonSmooth: "Sign' = 0 everywhere (its jump at 0 is not a derivative)"
});
