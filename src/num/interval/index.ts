/**
 * Rigorous outward-rounded interval arithmetic on float64: the number-level kernels of the
 * interval interpreter. For every real x in X, f(x) ∈ F(X). See interval.ts for the meaning of
 * intervals, the NaN policy and the division policy, elementary.ts for the domain policy, and
 * libm.ts for how far library results are trusted.
 */
export { nextUp, nextDown, stepUp, stepDown, ulpDistance } from "./round.js";
export {
  addDown, addUp, subDown, subUp, mulDown, mulUp, divDown, divUp, sqrtDown, sqrtUp,
} from "./directed.js";
export { LIBM_ULPS } from "./libm.js";
export {
  type Interval, interval, point, NAN_INTERVAL, ENTIRE, ZERO, ONE,
  isNaNInterval, isEmpty, contains, containsZero, isSubset, isInterior, isPoint, isBounded,
  isPositive, isNonNegative, isNegative, isNonPositive, strictlyLess, certainlyLessOrEqual,
  width, mid, mag, mig, hull, intersect,
  neg, add, sub, mul, div, recip, abs, sqr, powInt, max, min,
} from "./interval.js";
export {
  type DomainPolicy, sqrt, exp, expm1, log, log1p, powReal, tanh, sin, cos,
} from "./elementary.js";
export { erf, erfc, normalCdf } from "./erf.js";
export {
  sigmoid, softplus, relu, leakyRelu, elu, gelu, silu, mish,
  GELU_CRITICAL, SILU_CRITICAL, MISH_CRITICAL,
} from "./activations.js";
