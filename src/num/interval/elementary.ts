/**
 * Elementary functions on intervals: sqrt, exp, expm1, log, log1p, powReal, tanh, sin, cos.
 *
 * Monotone functions are evaluated at the endpoints only; library results are widened by
 * LIBM_ULPS (libm.ts) and then clipped to facts that hold exactly (range, sign, exact values at
 * 0 and 1), which keeps enclosures tight near zero and in the subnormal range.
 *
 * Domain policy for functions defined on part of the real line (sqrt, log, log1p, powReal):
 * - "strict" (default): if any member of X lies outside the closed domain the result is
 *   NAN_INTERVAL. A proof about f on X must not silently ignore points where f is undefined,
 *   so the caller is forced to split X or shrink it.
 * - "clip": X is intersected with the domain first (IEEE-1788 style); NAN_INTERVAL only when
 *   nothing is left.
 * At a domain boundary where the function tends to ±∞ (log at 0, log1p at -1, x^p for p < 0 at 0)
 * the enclosure gets an infinite endpoint; if X is only that boundary point there is no real
 * value and the result is NAN_INTERVAL.
 */
import { addDown, addUp, divDown, divUp, mulDown, mulUp, sqrtDown, sqrtUp } from "./directed.js";
import { NAN_INTERVAL, intersect, isNaNInterval, make, powInt, type Interval } from "./interval.js";
import { libHi, libLo } from "./libm.js";
import { nextUp } from "./round.js";

export type DomainPolicy = "strict" | "clip";

/** X restricted to [domainLo, +∞) under the policy, or NAN_INTERVAL. */
function restrictBelow(x: Interval, domainLo: number, policy: DomainPolicy): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  if (x.lo >= domainLo) return x;
  if (policy === "strict") return NAN_INTERVAL;
  return intersect(x, make(domainLo, Infinity));
}

export function sqrt(x: Interval, policy: DomainPolicy = "strict"): Interval {
  const d = restrictBelow(x, 0, policy);
  if (isNaNInterval(d)) return NAN_INTERVAL;
  return make(Math.max(0, sqrtDown(d.lo)), sqrtUp(d.hi));
}

export function exp(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  let lo: number;
  if (x.lo === -Infinity) lo = 0;
  else if (x.lo === 0) lo = 1;
  else lo = Math.max(0, libLo(Math.exp(x.lo)));
  if (x.lo >= 0) lo = Math.max(lo, 1);
  let hi: number;
  if (x.hi === Infinity) hi = Infinity;
  else if (x.hi === 0) hi = 1;
  else hi = libHi(Math.exp(x.hi));
  if (x.hi <= 0) hi = Math.min(hi, 1);
  return make(lo, hi);
}

export function expm1(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  let lo: number;
  if (x.lo === -Infinity) lo = -1;
  else if (x.lo === 0) lo = 0;
  // expm1(t) ≥ t for every real t, which pins the bound for tiny and subnormal t.
  else lo = Math.max(-1, libLo(Math.expm1(x.lo)), x.lo);
  if (x.lo >= 0) lo = Math.max(lo, 0);
  let hi: number;
  if (x.hi === Infinity) hi = Infinity;
  else if (x.hi === 0) hi = 0;
  else hi = libHi(Math.expm1(x.hi));
  if (x.hi <= 0) hi = Math.min(hi, 0);
  return make(lo, hi);
}

export function log(x: Interval, policy: DomainPolicy = "strict"): Interval {
  const d = restrictBelow(x, 0, policy);
  if (isNaNInterval(d) || d.hi === 0) return NAN_INTERVAL;
  let lo: number;
  if (d.lo === 0) lo = -Infinity;
  else if (d.lo === 1) lo = 0;
  else lo = libLo(Math.log(d.lo));
  if (d.lo >= 1) lo = Math.max(lo, 0);
  let hi: number;
  if (d.hi === Infinity) hi = Infinity;
  else if (d.hi === 1) hi = 0;
  else hi = libHi(Math.log(d.hi));
  if (d.hi <= 1) hi = Math.min(hi, 0);
  return make(lo, hi);
}

export function log1p(x: Interval, policy: DomainPolicy = "strict"): Interval {
  const d = restrictBelow(x, -1, policy);
  if (isNaNInterval(d) || d.hi === -1) return NAN_INTERVAL;
  let lo: number;
  if (d.lo === -1) lo = -Infinity;
  else if (d.lo === 0) lo = 0;
  else lo = libLo(Math.log1p(d.lo));
  if (d.lo >= 0) lo = Math.max(lo, 0);
  let hi: number;
  if (d.hi === Infinity) hi = Infinity;
  else if (d.hi === 0) hi = 0;
  // log1p(t) ≤ t for every t > -1.
  else hi = Math.min(libHi(Math.log1p(d.hi)), d.hi);
  if (d.hi <= 0) hi = Math.min(hi, 0);
  return make(lo, hi);
}

/**
 * x^p for a real exponent p. Integer p defers to powInt (any sign of x, tight). Otherwise the
 * domain is x ≥ 0 under the domain policy; 0^p = 0 for p > 0 and x^p → +∞ as x → 0 for p < 0.
 */
export function powReal(x: Interval, p: number, policy: DomainPolicy = "strict"): Interval {
  if (Number.isNaN(p) || !Number.isFinite(p)) return NAN_INTERVAL;
  if (Number.isSafeInteger(p)) return powInt(x, p);
  const d = restrictBelow(x, 0, policy);
  if (isNaNInterval(d)) return NAN_INTERVAL;
  if (p > 0) {
    let lo: number;
    if (d.lo === 0) lo = 0;
    else if (d.lo === 1) lo = 1;
    else lo = Math.max(0, libLo(Math.pow(d.lo, p)));
    if (d.lo >= 1) lo = Math.max(lo, 1);
    let hi: number;
    if (d.hi === Infinity) hi = Infinity;
    else if (d.hi === 0) hi = 0;
    else if (d.hi === 1) hi = 1;
    else hi = libHi(Math.pow(d.hi, p));
    if (d.hi <= 1) hi = Math.min(hi, 1);
    return make(lo, hi);
  }
  // p < 0: decreasing on (0, ∞).
  if (d.hi === 0) return NAN_INTERVAL;
  let lo: number;
  if (d.hi === Infinity) lo = 0;
  else if (d.hi === 1) lo = 1;
  else lo = Math.max(0, libLo(Math.pow(d.hi, p)));
  if (d.hi <= 1) lo = Math.max(lo, 1);
  let hi: number;
  if (d.lo === 0) hi = Infinity;
  else if (d.lo === 1) hi = 1;
  else hi = libHi(Math.pow(d.lo, p));
  if (d.lo >= 1) hi = Math.min(hi, 1);
  return make(lo, hi);
}

/**
 * Enclosure of tanh(a) for a ≥ 0 (a may be +∞), built from expm1 because Math.tanh is not
 * trusted: tanh(a) = t/(t + 2) with t = expm1(2a), increasing in t.
 */
function tanhNonNeg(a: number): Interval {
  if (a === 0) return make(0, 0);
  if (a === Infinity) return make(1, 1);
  const twoA = 2 * a; // exact unless it overflows, and then tanh(a) rounds to 1 anyway
  const t = Math.expm1(twoA);
  const tLo = Math.max(libLo(t), Number.isFinite(twoA) ? twoA : 0);
  const tHi = libHi(t);
  const lo = divDown(tLo, addUp(tLo, 2));
  const hi = tHi === Infinity ? 1 : divUp(tHi, addDown(tHi, 2));
  // 0 ≤ tanh(a) ≤ min(1, a) for a ≥ 0.
  return make(Math.max(0, lo), Math.min(1, hi, a));
}

export function tanh(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  const lo = x.lo >= 0 ? tanhNonNeg(x.lo).lo : -tanhNonNeg(-x.lo).hi;
  const hi = x.hi >= 0 ? tanhNonNeg(x.hi).hi : -tanhNonNeg(-x.hi).lo;
  return make(lo, hi);
}

// ---------------------------------------------------------------------------------------------
// sin and cos

/** Math.PI < π < nextUp(Math.PI) (checked against 60-digit π in the tests). */
const PI_LO = Math.PI;
const PI_HI = nextUp(Math.PI);
/** Enclosure of 2/π. */
const TWO_OVER_PI_LO = divDown(2, PI_HI);
const TWO_OVER_PI_HI = divUp(2, PI_LO);

/** Enclosure of 2x/π for finite x. */
function quarterTurns(x: number): Interval {
  if (x >= 0) return make(mulDown(x, TWO_OVER_PI_LO), mulUp(x, TWO_OVER_PI_HI));
  return make(mulDown(x, TWO_OVER_PI_HI), mulUp(x, TWO_OVER_PI_LO));
}

function clampUnit(v: number): number {
  return Math.min(1, Math.max(-1, v));
}

/**
 * Shared range computation for sin (offset 1) and cos (offset 0). The critical points are
 * x = nπ/2 with n ≡ offset (mod 2); the value there is +1 when n ≡ offset (mod 4), else -1.
 * Every integer n in the (outward-rounded) range of 2x/π over X is treated as a possible
 * interior critical point: including one that is not really there only widens the result.
 */
function trigRange(x: Interval, f: (t: number) => number, offset: 0 | 1, valueAtZero: number): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  if (!Number.isFinite(x.lo) || !Number.isFinite(x.hi)) return make(-1, 1);
  const at = (t: number): Interval => {
    if (t === 0) return make(valueAtZero, valueAtZero);
    const v = f(t);
    return make(clampUnit(libLo(v)), clampUnit(libHi(v)));
  };
  const a = at(x.lo);
  if (x.lo === x.hi) return a;
  const b = at(x.hi);
  let lo = Math.min(a.lo, b.lo);
  let hi = Math.max(a.hi, b.hi);
  const tLo = quarterTurns(x.lo).lo;
  const tHi = quarterTurns(x.hi).hi;
  // A span of 4 quarter turns is a full period: both extremes are certainly reachable or nearly so.
  // Beyond 2^52 consecutive integers are no longer all representable, so the loop below could
  // skip one; such arguments get the trivial enclosure.
  if (!(tHi - tLo < 4) || Math.max(-tLo, tHi) >= 2 ** 52) return make(-1, 1);
  for (let n = Math.ceil(tLo); n <= tHi; n++) {
    const r = (((n - offset) % 4) + 4) % 4;
    if (r === 0) hi = 1;
    else if (r === 2) lo = -1;
  }
  return make(lo, hi);
}

export function sin(x: Interval): Interval {
  return trigRange(x, Math.sin, 1, 0);
}

export function cos(x: Interval): Interval {
  return trigRange(x, Math.cos, 0, 1);
}
