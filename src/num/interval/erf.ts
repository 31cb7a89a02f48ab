/**
 * Rigorous erf, erfc and the standard normal CDF Φ, computed here rather than trusted from a
 * library (JavaScript has no erf). Every step is outward-rounded interval arithmetic, so the
 * error bound is proven by construction instead of argued from a polynomial fit:
 *
 * - small arguments: the everywhere-positive series
 *     erf(x) = (2/√π) e^{-x²} Σ_{n≥0} (2x²)^n x / (2n+1)!!,
 *     Φ(x) = 1/2 + φ(x) Σ_{n≥0} x^{2n+1} / (2n+1)!!,
 *   summed with directed rounding (no cancellation); the tail after the last term is bounded by
 *   a geometric series because the term ratios decrease.
 * - large arguments: Laplace's continued fractions
 *     √π e^{x²} erfc(x) = 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))),
 *     (1 - Φ(z))/φ(z) = 1/(z + 1/(z + 2/(z + 3/(z + …)))),
 *   evaluated bottom-up in interval arithmetic. All partial numerators are positive, so every
 *   tail is ≥ x; starting the recursion from the enclosure [x, +∞) for the dropped tail makes the
 *   truncation error part of the interval. The depth doubles until the enclosure is a few ulps.
 * - e^{-x²} is computed from the exact split x² = s + e (Dekker) as e^{-s}·e^{-e}, so rounding x²
 *   does not cost x² ulps of relative accuracy in the far tail.
 */
import { addDown, addUp, divDown, divUp, mulDown, mulUp, productError, subDown, subUp } from "./directed.js";
import { NAN_INTERVAL, isNaNInterval, make, type Interval } from "./interval.js";
import { libHi, libLo } from "./libm.js";
import { nextDown, nextUp } from "./round.js";

/** [nextDown(c), nextUp(c)] for the double c nearest a constant; tests check the true value is inside. */
function constant(c: number): Interval {
  return make(nextDown(c), nextUp(c));
}

export const TWO_OVER_SQRT_PI = constant(1.1283791670955126);
export const ONE_OVER_SQRT_PI = constant(0.5641895835477563);
export const ONE_OVER_SQRT_TWO_PI = constant(0.3989422804014327);

/**
 * Where the series hands over to the continued fraction. erf uses the series below 1 (erf is
 * then ≤ 0.85, no cancellation in 1 - erfc above). erfc and the upper normal tail switch earlier
 * (0.7, resp. 1.0 ≈ 0.7·√2) because computing them as 1 - erf loses relative accuracy as they
 * shrink; the fraction needs a few hundred levels there, which the adaptive depth provides.
 */
const ERF_SERIES_MAX = 1;
const ERFC_FRACTION_MIN = 0.7;
const TAIL_FRACTION_MIN = 1;

/** Enclosure of e^{-v} for v in [vLo, vHi] ⊂ [0, ∞]. */
function expNeg(vLo: number, vHi: number): Interval {
  const lo = vHi === Infinity ? 0 : Math.max(0, libLo(Math.exp(-vHi)));
  const hi = vLo === 0 ? 1 : Math.min(1, libHi(Math.exp(-vLo)));
  return make(lo, hi);
}

/** Enclosure of e^{-x²·scale} for finite x ≥ 0, scale ∈ {1, 1/2}. */
export function expNegSquare(x: number, scale: 1 | 0.5): Interval {
  if (x === 0) return make(1, 1);
  const s = x * x;
  const e = productError(x, x, s);
  if (Number.isNaN(e)) {
    const sqLo = Math.max(0, mulDown(mulDown(x, x), scale));
    const sqHi = mulUp(mulUp(x, x), scale);
    return expNeg(sqLo, sqHi);
  }
  // Exact: x²·scale = s·scale + e·scale (halving is exact in the range productError accepts).
  const a = expNeg(s * scale, s * scale);
  // |e·scale| ≤ 2^-53·x², tiny: 1 + t ≤ e^t ≤ 1 + t + t² for |t| ≤ 1 gives a one-ulp enclosure.
  const t = -e * scale;
  const b = t === 0 ? make(1, 1) : make(addDown(1, t), addUp(1, addUp(t, mulUp(t, t))));
  return make(Math.max(0, mulDown(a.lo, b.lo)), Math.min(1, mulUp(a.hi, b.hi)));
}

/**
 * Enclosure of Σ_{n≥0} x (q x²)^n / (2n+1)!! for finite x > 0, q ∈ {1, 2}. Terms are summed
 * smallest first so that rounding in the additions is relative to the small partial sums.
 */
function positiveSeries(x: number, q: 1 | 2): Interval {
  const yLo = Math.max(0, mulDown(q, mulDown(x, x)));
  const yHi = mulUp(q, mulUp(x, x));
  const termsLo: number[] = [x];
  const termsHi: number[] = [x];
  let tLo = x;
  let tHi = x;
  let tail = NaN;
  for (let n = 0; n < 400; n++) {
    const denom = 2 * n + 3;
    tLo = mulDown(tLo, divDown(yLo, denom));
    tHi = mulUp(tHi, divUp(yHi, denom));
    const nextRatioHi = divUp(yHi, denom + 2);
    // Stop when the next term is negligible — relative to the leading term, or absolutely (a few
    // subnormal steps) when x itself is subnormal; the tail bound keeps either choice rigorous.
    if (tHi <= Math.max(x * 2 ** -60, 2 ** -1060) && nextRatioHi < 0.5) {
      // Σ_{m≥n+1} t_m ≤ t_{n+1} / (1 - r) with r bounding all later ratios (they decrease).
      tail = divUp(tHi, subDown(1, nextRatioHi));
      break;
    }
    termsLo.push(tLo);
    termsHi.push(tHi);
  }
  if (Number.isNaN(tail)) throw new Error(`positiveSeries: no convergence at x=${x}`);
  let sumLo = 0;
  let sumHi = tail;
  for (let i = termsLo.length - 1; i >= 0; i--) {
    sumLo = addDown(sumLo, termsLo[i]!);
    sumHi = addUp(sumHi, termsHi[i]!);
  }
  return make(sumLo, sumHi);
}

/** Enclosure of 1/(x + a1/(x + a2/(x + …))) with a_k = k·scale, for x > 0 (x may be huge). */
function laplaceFraction(x: number, scale: 1 | 0.5): Interval {
  // Start near the depth the fraction needs for double precision (about 200/x² levels).
  let depth = 16;
  while (depth < 1024 && depth * x * x < 200) depth *= 2;
  let previousWidth = Infinity;
  for (;;) {
    let gLo = x;
    let gHi = Infinity;
    for (let k = depth; k >= 1; k--) {
      const a = k * scale;
      const nLo = addDown(x, divDown(a, gHi));
      const nHi = addUp(x, divUp(a, gLo));
      gLo = nLo;
      gHi = nHi;
    }
    const vLo = divDown(1, gHi);
    const vHi = divUp(1, gLo);
    const w = vHi - vLo;
    // Done when the truncation error is negligible, or when doubling the depth no longer halves
    // the width (rounding, not truncation, now dominates). Every depth gives a valid enclosure.
    if (w <= vLo * 2 ** -56 || w > previousWidth / 2 || depth >= 8192) return make(vLo, vHi);
    previousWidth = w;
    depth *= 2;
  }
}

/** erf on [0, ERF_SERIES_MAX). */
function erfSmall(x: number): Interval {
  const s = positiveSeries(x, 2);
  const g = expNegSquare(x, 1);
  const lo = mulDown(mulDown(TWO_OVER_SQRT_PI.lo, g.lo), s.lo);
  const hi = mulUp(mulUp(TWO_OVER_SQRT_PI.hi, g.hi), s.hi);
  return make(Math.max(0, lo), Math.min(1, hi));
}

/** erfc on [ERFC_FRACTION_MIN, ∞). */
function erfcLarge(x: number): Interval {
  if (x === Infinity) return make(0, 0);
  const v = laplaceFraction(x, 0.5);
  const g = expNegSquare(x, 1);
  const lo = mulDown(mulDown(ONE_OVER_SQRT_PI.lo, g.lo), v.lo);
  const hi = mulUp(mulUp(ONE_OVER_SQRT_PI.hi, g.hi), v.hi);
  return make(Math.max(0, lo), Math.min(1, hi));
}

/** Enclosure of erf(a) at a single (extended) number a ≥ 0. */
function erfNonNeg(a: number): Interval {
  if (a === 0) return make(0, 0);
  if (a < ERF_SERIES_MAX) return erfSmall(a);
  const c = erfcLarge(a);
  return make(Math.max(0, subDown(1, c.hi)), Math.min(1, subUp(1, c.lo)));
}

/** Enclosure of erfc(a) at a single (extended) number a ≥ 0. */
function erfcNonNeg(a: number): Interval {
  if (a >= ERFC_FRACTION_MIN) return erfcLarge(a);
  const e = erfNonNeg(a);
  return make(Math.max(0, subDown(1, e.hi)), Math.min(1, subUp(1, e.lo)));
}

/** Enclosure of erf(a) for any extended number a (erf is odd). */
export function erfAt(a: number): Interval {
  if (a >= 0) return erfNonNeg(a);
  const e = erfNonNeg(-a);
  return make(-e.hi, -e.lo);
}

/** Enclosure of erfc(a) for any extended number a; erfc(-a) = 1 + erf(a). */
export function erfcAt(a: number): Interval {
  if (a >= 0) return erfcNonNeg(a);
  const e = erfNonNeg(-a);
  return make(Math.max(1, addDown(1, e.lo)), Math.min(2, addUp(1, e.hi)));
}

/** Enclosure of Q(z) = 1 - Φ(z) for z ≥ 0 (z may be +∞). */
function upperTailNonNeg(z: number): Interval {
  if (z === 0) return make(0.5, 0.5);
  if (z === Infinity) return make(0, 0);
  if (z < TAIL_FRACTION_MIN) {
    const d = densityTimesSeries(z);
    return make(Math.max(0, subDown(0.5, d.hi)), subUp(0.5, d.lo));
  }
  const r = laplaceFraction(z, 1);
  const g = expNegSquare(z, 0.5);
  const lo = mulDown(mulDown(ONE_OVER_SQRT_TWO_PI.lo, g.lo), r.lo);
  const hi = mulUp(mulUp(ONE_OVER_SQRT_TWO_PI.hi, g.hi), r.hi);
  return make(Math.max(0, lo), Math.min(0.5, hi));
}

/** φ(z)·Σ z^{2n+1}/(2n+1)!! = Φ(z) - 1/2 for 0 < z < TAIL_FRACTION_MIN. */
function densityTimesSeries(z: number): Interval {
  const s = positiveSeries(z, 1);
  const g = expNegSquare(z, 0.5);
  const lo = mulDown(mulDown(ONE_OVER_SQRT_TWO_PI.lo, g.lo), s.lo);
  const hi = mulUp(mulUp(ONE_OVER_SQRT_TWO_PI.hi, g.hi), s.hi);
  return make(Math.max(0, lo), Math.min(0.5, hi));
}

/** Enclosure of the standard normal CDF Φ(a) for any extended number a. */
export function normalCdfAt(a: number): Interval {
  if (a <= 0) return upperTailNonNeg(-a);
  if (a < TAIL_FRACTION_MIN) {
    const d = densityTimesSeries(a);
    return make(Math.max(0.5, addDown(0.5, d.lo)), Math.min(1, addUp(0.5, d.hi)));
  }
  const q = upperTailNonNeg(a);
  return make(Math.max(0.5, subDown(1, q.hi)), Math.min(1, subUp(1, q.lo)));
}

/** erf on an interval (increasing). */
export function erf(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  return make(erfAt(x.lo).lo, erfAt(x.hi).hi);
}

/** erfc on an interval (decreasing). */
export function erfc(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  return make(erfcAt(x.hi).lo, erfcAt(x.lo).hi);
}

/** Standard normal CDF Φ on an interval (increasing). */
export function normalCdf(x: Interval): Interval {
  if (isNaNInterval(x)) return NAN_INTERVAL;
  return make(normalCdfAt(x.lo).lo, normalCdfAt(x.hi).hi);
}
