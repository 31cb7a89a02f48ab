/**
 * Closed real intervals with float64 endpoints, and the arithmetic whose results are exactly
 * representable before rounding (+, -, *, /, integer powers).
 *
 * Meaning: an Interval stands for the set of REAL numbers x with lo ≤ x ≤ hi. Infinite endpoints
 * mean "unbounded on that side"; ±Infinity itself is never a member. Every operation F returns an
 * enclosure: for all reals x in X (and y in Y), the true f(x) (f(x, y)) lies in F(X) (F(X, Y)).
 *
 * Invariant of a valid interval: lo ≤ hi, lo < +Infinity, hi > -Infinity.
 *
 * NaN policy: NAN_INTERVAL (both endpoints NaN) is the single "no enclosure" value. It is returned
 * when the result set has no real number in it (x/[0,0], log of an interval ≤ 0, intersect of
 * disjoint intervals) or, under the default "strict" domain policy, when X reaches outside a
 * function's domain (see elementary.ts). Every operation propagates it.
 *
 * Division policy: x/y is taken over the y ≠ 0 in Y. If Y straddles 0 the quotient set is two
 * half-lines and its hull is ENTIRE; if 0 is an endpoint of Y the result is a half-line bounded by
 * ±Infinity; Y = [0, 0] gives NAN_INTERVAL. A caller that must exclude poles checks
 * containsZero(Y) first.
 */
import { UserError } from "../../util/errors.js";
import { addDown, addUp, divDown, divUp, mulDown, mulUp, subDown, subUp } from "./directed.js";

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** Internal constructor: no checks, for results whose invariant is established by the caller. */
export function make(lo: number, hi: number): Interval {
  return { lo, hi };
}

export const NAN_INTERVAL: Interval = Object.freeze({ lo: NaN, hi: NaN });
export const ENTIRE: Interval = Object.freeze({ lo: -Infinity, hi: Infinity });
export const ZERO: Interval = Object.freeze({ lo: 0, hi: 0 });
export const ONE: Interval = Object.freeze({ lo: 1, hi: 1 });

/**
 * The interval [lo, hi]. NaN endpoints, or bounds that contain no real number ([+∞, +∞],
 * [-∞, -∞]), give NAN_INTERVAL. lo > hi is a malformed input (from a certificate or a CLI
 * domain), reported as a UserError.
 */
export function interval(lo: number, hi: number): Interval {
  if (Number.isNaN(lo) || Number.isNaN(hi)) return NAN_INTERVAL;
  if (lo > hi) throw new UserError(`interval: lower bound ${lo} exceeds upper bound ${hi}`);
  if (lo === Infinity || hi === -Infinity) return NAN_INTERVAL;
  return make(lo, hi);
}

/** The degenerate interval [x, x]; NAN_INTERVAL for NaN or ±Infinity (not real numbers). */
export function point(x: number): Interval {
  if (!Number.isFinite(x)) return NAN_INTERVAL;
  return make(x, x);
}

// ---------------------------------------------------------------------------------------------
// Predicates and measures

export function isNaNInterval(x: Interval): boolean {
  return Number.isNaN(x.lo) || Number.isNaN(x.hi);
}

/** Same predicate as isNaNInterval: the empty set and "no enclosure" share one representation. */
export const isEmpty = isNaNInterval;

export function contains(x: Interval, v: number): boolean {
  return x.lo <= v && v <= x.hi;
}

export function containsZero(x: Interval): boolean {
  return x.lo <= 0 && 0 <= x.hi;
}

/** a ⊆ b. The NaN interval is a subset of everything and contains nothing else. */
export function isSubset(a: Interval, b: Interval): boolean {
  if (isNaNInterval(a)) return true;
  if (isNaNInterval(b)) return false;
  return b.lo <= a.lo && a.hi <= b.hi;
}

/** a lies in the interior of b: b.lo < a.lo and a.hi < b.hi (infinite ends of b count as open). */
export function isInterior(a: Interval, b: Interval): boolean {
  if (isNaNInterval(a)) return true;
  if (isNaNInterval(b)) return false;
  const loOk = b.lo < a.lo || (b.lo === -Infinity && a.lo === -Infinity);
  const hiOk = a.hi < b.hi || (b.hi === Infinity && a.hi === Infinity);
  return loOk && hiOk;
}

export function isPoint(x: Interval): boolean {
  return x.lo === x.hi;
}

export function isBounded(x: Interval): boolean {
  return Number.isFinite(x.lo) && Number.isFinite(x.hi);
}

/** Every member is > 0. The sign predicates are false for NAN_INTERVAL. */
export function isPositive(x: Interval): boolean {
  return x.lo > 0;
}

/** Every member is ≥ 0. */
export function isNonNegative(x: Interval): boolean {
  return x.lo >= 0;
}

/** Every member is < 0. */
export function isNegative(x: Interval): boolean {
  return x.hi < 0;
}

/** Every member is ≤ 0. */
export function isNonPositive(x: Interval): boolean {
  return x.hi <= 0;
}

/** Every member of a is < every member of b. */
export function strictlyLess(a: Interval, b: Interval): boolean {
  return a.hi < b.lo;
}

/** Every member of a is ≤ every member of b. */
export function certainlyLessOrEqual(a: Interval, b: Interval): boolean {
  return a.hi <= b.lo;
}

/** An upper bound on hi - lo (Infinity when unbounded, NaN for NAN_INTERVAL). */
export function width(x: Interval): number {
  if (isNaNInterval(x)) return NaN;
  return subUp(x.hi, x.lo);
}

/** A finite member of x near its centre (±MAX_VALUE for half-lines, 0 for ENTIRE). */
export function mid(x: Interval): number {
  if (isNaNInterval(x)) return NaN;
  if (x.lo === -Infinity) return x.hi === Infinity ? 0 : Math.min(-Number.MAX_VALUE, x.hi);
  if (x.hi === Infinity) return Math.max(Number.MAX_VALUE, x.lo);
  if (x.lo === x.hi) return x.lo;
  const m = x.lo / 2 + x.hi / 2; // halves first so finite endpoints never overflow
  return Math.min(x.hi, Math.max(x.lo, m));
}

/** Largest |v| over members (the magnitude). */
export function mag(x: Interval): number {
  return Math.max(Math.abs(x.lo), Math.abs(x.hi));
}

/** Smallest |v| over members (the mignitude). */
export function mig(x: Interval): number {
  if (containsZero(x)) return 0;
  return Math.min(Math.abs(x.lo), Math.abs(x.hi));
}

// ---------------------------------------------------------------------------------------------
// Set operations

export function hull(a: Interval, b: Interval): Interval {
  if (isNaNInterval(a)) return b;
  if (isNaNInterval(b)) return a;
  return make(Math.min(a.lo, b.lo), Math.max(a.hi, b.hi));
}

/** NAN_INTERVAL when the intersection is empty. */
export function intersect(a: Interval, b: Interval): Interval {
  if (isNaNInterval(a) || isNaNInterval(b)) return NAN_INTERVAL;
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  if (lo > hi) return NAN_INTERVAL;
  return make(lo, hi);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

export function neg(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  return make(-x.hi, -x.lo);
}

export function add(a: Interval, b: Interval): Interval {
  if (isNaNInterval(a) || isNaNInterval(b)) return NAN_INTERVAL;
  return make(addDown(a.lo, b.lo), addUp(a.hi, b.hi));
}

export function sub(a: Interval, b: Interval): Interval {
  if (isNaNInterval(a) || isNaNInterval(b)) return NAN_INTERVAL;
  return make(subDown(a.lo, b.hi), subUp(a.hi, b.lo));
}

export function mul(a: Interval, b: Interval): Interval {
  if (isNaNInterval(a) || isNaNInterval(b)) return NAN_INTERVAL;
  const lo = Math.min(mulDown(a.lo, b.lo), mulDown(a.lo, b.hi), mulDown(a.hi, b.lo), mulDown(a.hi, b.hi));
  const hi = Math.max(mulUp(a.lo, b.lo), mulUp(a.lo, b.hi), mulUp(a.hi, b.lo), mulUp(a.hi, b.hi));
  return make(lo, hi);
}

/** a / b under the division policy in the module comment. */
export function div(a: Interval, b: Interval): Interval {
  if (isNaNInterval(a) || isNaNInterval(b)) return NAN_INTERVAL;
  if (b.lo === 0 && b.hi === 0) return NAN_INTERVAL;
  if (a.lo === 0 && a.hi === 0) return ZERO;
  const aNonNeg = a.lo >= 0;
  const aNonPos = a.hi <= 0;
  if (b.lo > 0) {
    if (aNonNeg) return make(divDown(a.lo, b.hi), divUp(a.hi, b.lo));
    if (aNonPos) return make(divDown(a.lo, b.lo), divUp(a.hi, b.hi));
    return make(divDown(a.lo, b.lo), divUp(a.hi, b.lo));
  }
  if (b.hi < 0) {
    if (aNonNeg) return make(divDown(a.hi, b.hi), divUp(a.lo, b.lo));
    if (aNonPos) return make(divDown(a.hi, b.lo), divUp(a.lo, b.hi));
    return make(divDown(a.hi, b.hi), divUp(a.lo, b.hi));
  }
  // 0 ∈ b, b ≠ [0, 0].
  if (b.lo < 0 && b.hi > 0) return ENTIRE;
  if (!aNonNeg && !aNonPos) return ENTIRE;
  if (b.lo === 0) {
    // b = [0, b.hi]: 1/b ranges over [1/b.hi, +∞).
    return aNonNeg ? make(divDown(a.lo, b.hi), Infinity) : make(-Infinity, divUp(a.hi, b.hi));
  }
  // b = [b.lo, 0]: 1/b ranges over (-∞, 1/b.lo].
  return aNonNeg ? make(-Infinity, divUp(a.lo, b.lo)) : make(divDown(a.hi, b.lo), Infinity);
}

export function recip(x: Interval): Interval {
  return div(ONE, x);
}

export function abs(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  if (x.lo >= 0) return x;
  if (x.hi <= 0) return make(-x.hi, -x.lo);
  return make(0, Math.max(-x.lo, x.hi));
}

/** x², tight: never negative even when x straddles 0 (unlike mul(x, x)). */
export function sqr(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  if (x.lo >= 0) return make(mulDown(x.lo, x.lo), mulUp(x.hi, x.hi));
  if (x.hi <= 0) return make(mulDown(x.hi, x.hi), mulUp(x.lo, x.lo));
  return make(0, Math.max(mulUp(x.lo, x.lo), mulUp(x.hi, x.hi)));
}

/** Lower bound on a^n for a ≥ 0, n ≥ 1, by square-and-multiply on lower bounds (all factors ≥ 0, so monotone). */
function powNonNegDown(a: number, n: number): number {
  let result = 1;
  let base = a;
  let e = n;
  while (e > 0) {
    if (e % 2 === 1) result = mulDown(result, base);
    e = Math.floor(e / 2);
    if (e > 0) base = mulDown(base, base);
  }
  return result;
}

function powNonNegUp(a: number, n: number): number {
  let result = 1;
  let base = a;
  let e = n;
  while (e > 0) {
    if (e % 2 === 1) result = mulUp(result, base);
    e = Math.floor(e / 2);
    if (e > 0) base = mulUp(base, base);
  }
  return result;
}

/**
 * x^n for an integer n, tight: even n gives [0, ...] when x straddles 0; negative n is 1/x^|n|
 * under the division policy (x^-2 on [-1, 1] is [1, +∞); x^-1 on [-1, 1] is ENTIRE). x^0 = 1,
 * also at x = 0.
 */
export function powInt(x: Interval, n: number): Interval {
  if (!Number.isSafeInteger(n)) throw new Error(`powInt: exponent ${n} is not a safe integer`);
  if (isNaNInterval(x)) return NAN_INTERVAL;
  if (n === 0) return ONE;
  if (n < 0) return recip(powInt(x, -n));
  if (n === 1) return x;
  if (n % 2 === 0) {
    if (x.lo >= 0) return make(powNonNegDown(x.lo, n), powNonNegUp(x.hi, n));
    if (x.hi <= 0) return make(powNonNegDown(-x.hi, n), powNonNegUp(-x.lo, n));
    return make(0, powNonNegUp(Math.max(-x.lo, x.hi), n));
  }
  const lo = x.lo >= 0 ? powNonNegDown(x.lo, n) : -powNonNegUp(-x.lo, n);
  const hi = x.hi >= 0 ? powNonNegUp(x.hi, n) : -powNonNegDown(-x.hi, n);
  return make(lo, hi);
}

export function max(a: Interval, b: Interval): Interval {
  if (isNaNInterval(a) || isNaNInterval(b)) return NAN_INTERVAL;
  return make(Math.max(a.lo, b.lo), Math.max(a.hi, b.hi));
}

export function min(a: Interval, b: Interval): Interval {
  if (isNaNInterval(a) || isNaNInterval(b)) return NAN_INTERVAL;
  return make(Math.min(a.lo, b.lo), Math.min(a.hi, b.hi));
}
