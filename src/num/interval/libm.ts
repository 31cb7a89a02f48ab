/**
 * Trust margin for the JavaScript math library.
 *
 * Math.exp, log, expm1, log1p, sin, cos and pow are not correctly rounded and ECMAScript promises
 * nothing about their accuracy. V8 (Node, Chrome) and SpiderMonkey use ports of fdlibm, whose
 * documented errors are below 1 ulp for all of these (pow < 0.67 ulp per its header); JavaScriptCore
 * uses the platform libm, also below 1 ulp for these functions. We widen each library result by
 * LIBM_ULPS = 4 grid steps in each direction: four times the documented bound, so that a port that
 * loses an extra bit or two in some range is still covered. libm-accuracy.test.ts measures the
 * actual error against 40-digit decimal.js over many arguments and asserts it stays at or below
 * half of this margin, so a future engine that breaks the assumption fails loudly.
 *
 * Math.tanh is deliberately NOT trusted (V8's has been observed more than 1 ulp off); tanh is
 * derived from expm1 with rigorous arithmetic instead (elementary.ts).
 *
 * Grid steps (rather than a relative epsilon) keep the margin meaningful for subnormal results,
 * where the library's error is at most about one subnormal step.
 */
import { stepDown, stepUp } from "./round.js";

export const LIBM_ULPS = 4;

/** Lower bound for the true value of a library result v. */
export function libLo(v: number): number {
  return stepDown(v, LIBM_ULPS);
}

/** Upper bound for the true value of a library result v. */
export function libHi(v: number): number {
  return stepUp(v, LIBM_ULPS);
}
