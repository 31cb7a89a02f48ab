/**
 * Neural-network activations on intervals: sigmoid, softplus, relu, leakyRelu, elu, gelu (exact,
 * erf-based), silu and mish.
 *
 * sigmoid and softplus are increasing and evaluated at the endpoints with formulas that stay
 * accurate on both sides (no 1 - (nearly 1) cancellation, no overflow of e^{-x}).
 *
 * gelu, silu and mish have the form f(x) = x·g(x) with g positive and increasing, and each has a
 * single critical point c* (a global minimum): f decreases on (-∞, c*] and increases on [c*, ∞).
 * We hold c* inside a bracket [cLo, cHi] a few ulps wide whose ends are checked in the tests to
 * have f' < 0 and f' > 0 respectively (40-digit decimal.js), and use monotone pieces:
 *   X ⊆ (-∞, cLo]  →  [f(hi), f(lo)];   X ⊆ [cHi, ∞)  →  [f(lo), f(hi)];
 *   otherwise        →  [a lower bound of min f, max(f(lo), f(hi))],
 * where the lower bound of min f = f(c*) is the interval product bracket × g(bracket). The upper
 * bound is always attained at an endpoint because f has no interior maximum.
 * Why one critical point: silu' = σ(x)(1 + x/(1 + e^x)) and 1 + x/(1 + e^x) is increasing on
 * x < 0 and positive on x ≥ 0; gelu' = Φ(x) + xφ(x) is negative near -∞, decreases until -√2
 * (gelu'' = φ(x)(2 - x²)), then increases to 1/2 at 0 and stays positive; for mish the tests
 * check the sign of mish' on a dense grid around the bracket and along the line.
 */
import { addDown, addUp, divDown, divUp } from "./directed.js";
import { expm1, tanh } from "./elementary.js";
import { normalCdf } from "./erf.js";
import {
  NAN_INTERVAL, hull, intersect, isNaNInterval, make, mul, point, type Interval,
} from "./interval.js";
import { libHi, libLo } from "./libm.js";
import { stepDown, stepUp } from "./round.js";

/** Enclosure of e^a for a finite nonzero a, clipped to the exact facts e^a > 0 and e^a ≶ 1. */
function expAt(a: number): Interval {
  const v = Math.exp(a);
  let lo = Math.max(0, libLo(v));
  let hi = libHi(v);
  if (a < 0) hi = Math.min(hi, 1);
  else lo = Math.max(lo, 1);
  return make(lo, hi);
}

function sigmoidAt(a: number): Interval {
  if (a === -Infinity) return make(0, 0);
  if (a === Infinity) return make(1, 1);
  if (a === 0) return make(0.5, 0.5);
  if (a > 0) {
    // 1/(1 + e^{-a}), decreasing in e^{-a} ∈ (0, 1).
    const e = expAt(-a);
    const lo = divDown(1, addUp(1, e.hi));
    const hi = divUp(1, addDown(1, e.lo));
    return make(Math.max(0.5, lo), Math.min(1, hi));
  }
  // e^a/(1 + e^a), increasing in e^a ∈ (0, 1): relative accuracy kept for very negative a.
  const e = expAt(a);
  const lo = divDown(e.lo, addUp(1, e.lo));
  const hi = divUp(e.hi, addDown(1, e.hi));
  return make(Math.max(0, lo), Math.min(0.5, hi));
}

export function sigmoid(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  return make(sigmoidAt(x.lo).lo, sigmoidAt(x.hi).hi);
}

/** log1p(v) for v ∈ [0, 1], bounds clipped to 0 ≤ log1p(v) ≤ v. */
function log1pLo(v: number): number {
  return v === 0 ? 0 : Math.max(0, libLo(Math.log1p(v)));
}
function log1pHi(v: number): number {
  return v === 0 ? 0 : Math.min(v, libHi(Math.log1p(v)));
}

/** softplus(a) = max(a, 0) + log1p(e^{-|a|}). */
function softplusAt(a: number): Interval {
  if (a === -Infinity) return make(0, 0);
  if (a === Infinity) return make(Infinity, Infinity);
  if (a === 0) return make(stepDown(Math.LN2, 1), stepUp(Math.LN2, 1)); // ln 2, correctly rounded constant
  const e = expAt(-Math.abs(a));
  const lo = log1pLo(e.lo);
  const hi = log1pHi(e.hi);
  if (a < 0) return make(lo, hi);
  return make(Math.max(a, addDown(a, lo)), addUp(a, hi));
}

export function softplus(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  return make(Math.max(0, softplusAt(x.lo).lo), softplusAt(x.hi).hi);
}

export function relu(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  return make(Math.max(x.lo, 0), Math.max(x.hi, 0));
}

/** Applies `negative` to X ∩ (-∞, 0], keeps X ∩ [0, ∞), and returns the hull of both pieces. */
function splitAtZero(x: Interval, negative: (n: Interval) => Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  const n = intersect(x, make(-Infinity, 0));
  const p = intersect(x, make(0, Infinity));
  return hull(isNaNInterval(n) ? NAN_INTERVAL : negative(n), p);
}

function requireFinite(name: string, alpha: number): void {
  if (!Number.isFinite(alpha)) throw new Error(`${name}: alpha must be finite, got ${alpha}`);
}

/** x for x ≥ 0, alpha·x for x < 0; any finite alpha (negative alpha makes it non-monotone). */
export function leakyRelu(x: Interval, alpha: number): Interval {
  requireFinite("leakyRelu", alpha);
  return splitAtZero(x, (n) => mul(point(alpha), n));
}

/** x for x ≥ 0, alpha·(e^x - 1) for x < 0 (ONNX Elu). */
export function elu(x: Interval, alpha: number): Interval {
  requireFinite("elu", alpha);
  return splitAtZero(x, (n) => mul(point(alpha), expm1(n)));
}

// ---------------------------------------------------------------------------------------------
// x·g(x) activations with one minimum

interface UnimodalProduct {
  /** g, positive and increasing, on intervals. */
  readonly g: (x: Interval) => Interval;
  /** A bracket [cLo, cHi] of the unique critical point. */
  readonly bracket: Interval;
  /** Lower bound of the global minimum (filled on first use). */
  minLower: number | undefined;
}

function bracketAround(c: number, ulps: number): Interval {
  return make(stepDown(c, ulps), stepUp(c, ulps));
}

/** Nearest doubles to the critical points, computed to 60 digits (see the tests). */
export const GELU_CRITICAL = bracketAround(-0.7517915246935645, 2);
export const SILU_CRITICAL = bracketAround(-1.2784645427610737, 2);
export const MISH_CRITICAL = bracketAround(-1.1924312145154952, 2);

function mishFactor(x: Interval): Interval {
  return tanh(softplus(x));
}

const GELU: UnimodalProduct = { g: normalCdf, bracket: GELU_CRITICAL, minLower: undefined };
const SILU: UnimodalProduct = { g: sigmoid, bracket: SILU_CRITICAL, minLower: undefined };
const MISH: UnimodalProduct = { g: mishFactor, bracket: MISH_CRITICAL, minLower: undefined };

/** Enclosure of a·g(a) at a finite a. */
function productAt(f: UnimodalProduct, a: number): Interval {
  const p = point(a);
  return mul(p, f.g(p));
}

function unimodalProduct(f: UnimodalProduct, x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  // Endpoint values; -∞ contributes the limit 0 (from below), +∞ the limit +∞.
  const atLo = x.lo === -Infinity ? make(-Infinity, 0) : productAt(f, x.lo);
  const atHi = x.hi === Infinity ? make(Infinity, Infinity) : productAt(f, x.hi);
  const hi = Math.max(atLo.hi, atHi.hi);
  let lo: number;
  if (x.hi <= f.bracket.lo) lo = atHi.lo;
  else if (x.lo >= f.bracket.hi) lo = atLo.lo;
  else {
    if (f.minLower === undefined) f.minLower = mul(f.bracket, f.g(f.bracket)).lo;
    lo = f.minLower;
  }
  return make(lo, hi);
}

/** Exact GELU, x·Φ(x) with Φ the standard normal CDF (ONNX Gelu, approximate="none"). */
export function gelu(x: Interval): Interval {
  return unimodalProduct(GELU, x);
}

/** SiLU / swish, x·sigmoid(x). */
export function silu(x: Interval): Interval {
  return unimodalProduct(SILU, x);
}

/** Mish, x·tanh(softplus(x)). */
export function mish(x: Interval): Interval {
  return unimodalProduct(MISH, x);
}
