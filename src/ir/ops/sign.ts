import { inferUnaryFloat, mapUnary } from "../kernels.js";
import { defineOp } from "../op.js";
import { stepFacts } from "../curvature-facts.js";
import { Rational } from "../../num/rational.js";
import { exactUnary } from "../exact-tensor.js";
import { intervalUnary, iv } from "../interval-tensor.js";

const signOf = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);

/** Piecewise constant: its derivative is zero wherever it exists, so no adjoint flows through it. */
export const Sign = defineOp({
  name: "Sign",
  curvature: stepFacts("sign", "same"),
  minInputs: 1,
  maxInputs: 1,
  infer: inferUnaryFloat,
  exact: exactUnary((x) => Rational.fromInt(x.sign())),
  // monotone non-decreasing: the signs of the endpoints
  interval: intervalUnary((x) => (iv.isNaNInterval(x) ? iv.NAN_INTERVAL : { lo: signOf(x.lo), hi: signOf(x.hi) })),
  eval: ([x], _a, type) => mapUnary(x!, type, signOf),
  vjp: () => [null],
  jvp: () => null,
  nonSmooth: "Sign' = 0 everywhere (its jump at 0 is not a derivative)"
});
