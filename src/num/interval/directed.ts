/**
 * Directed rounding for the correctly rounded IEEE operations (+, -, *, /, sqrt).
 *
 * JavaScript only rounds to nearest, so a bound in a given direction is obtained by stepping the
 * nearest result one grid point outward. Where an error-free transformation (TwoSum, Dekker's
 * TwoProduct) can prove the nearest result is already on the correct side — or exact — we keep
 * it; this keeps exact operations like 2*3 or 1/2 as point results, which matters when an
 * enclosure is used to prove a sign. Results are then at most one grid step wide, except for
 * subnormal products and quotients, where the direction is not decided and one step is taken on
 * each side.
 */
import { exponentField, nextDown, nextUp } from "./round.js";

const SPLITTER = 134217729; // 2^27 + 1, Dekker's splitting constant for 53-bit significands
const DEKKER_MAX = 2 ** 500; // far from overflow of SPLITTER*x and of the partial products
const DEKKER_MIN = 2 ** -450; // partial products of two such numbers stay above the subnormal range

/** True when Dekker's TwoProduct of x and y is free of overflow and underflow. */
function dekkerSafe(x: number, y: number): boolean {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  return ax < DEKKER_MAX && ay < DEKKER_MAX && ax > DEKKER_MIN && ay > DEKKER_MIN;
}

/**
 * The exact rounding error of p = fl(a*b): a*b = p + error, exactly, when dekkerSafe(a, b).
 * Returns NaN when the transformation cannot be trusted.
 */
export function productError(a: number, b: number, p: number): number {
  if (!dekkerSafe(a, b) || !Number.isFinite(p)) return NaN;
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

const MIN_NORMAL = 2 ** -1022;

/**
 * The significand of a finite nonzero x scaled into 1 ≤ |m| < 2, and e with x = m·2^e.
 * Scaling by powers of two is exact, and for results in the normal range the rounding of *, /
 * and sqrt commutes with it, so error signs can be decided on the scaled operands where Dekker's
 * transformation is safe.
 */
function unitScale(x: number): { m: number; e: number } {
  const field = exponentField(x);
  if (field === 0) {
    const r = unitScale(x * 2 ** 64);
    return { m: r.m, e: r.e - 64 };
  }
  const e = field - 1023;
  return { m: x * 2 ** -e, e };
}

/** Sign (-1, 0, 1) of (a + b) - fl(a + b), or NaN when it cannot be trusted (overflow). */
function sumErrorSign(a: number, b: number, s: number): number {
  const bb = s - a;
  const err = (a - (s - bb)) + (b - bb);
  if (!Number.isFinite(err)) return NaN;
  return Math.sign(err);
}

export function addDown(a: number, b: number): number {
  const s = a + b;
  if (!Number.isFinite(s)) return nextDown(s);
  const e = sumErrorSign(a, b, s);
  return e >= 0 ? s : nextDown(s);
}

export function addUp(a: number, b: number): number {
  const s = a + b;
  if (!Number.isFinite(s)) return nextUp(s);
  const e = sumErrorSign(a, b, s);
  return e <= 0 ? s : nextUp(s);
}

export function subDown(a: number, b: number): number {
  return addDown(a, -b);
}

export function subUp(a: number, b: number): number {
  return addUp(a, -b);
}

/** Sign of a·b - p for p = fl(a·b) finite and nonzero, or NaN if p is subnormal (rounding not scale-invariant there). */
function productErrorSign(a: number, b: number, p: number): number {
  if (dekkerSafe(a, b)) return Math.sign(productError(a, b, p));
  if (Math.abs(p) < MIN_NORMAL) return NaN;
  const sa = unitScale(a);
  const sb = unitScale(b);
  const pm = sa.m * sb.m;
  return Math.sign(productError(sa.m, sb.m, pm));
}

/** Sign of the true product of two nonzero numbers. */
function productSign(a: number, b: number): number {
  return (a > 0) === (b > 0) ? 1 : -1;
}

/**
 * Products with a zero factor are exactly zero, also when the other factor is infinite: an
 * infinite endpoint stands for "unbounded", never for a value, so 0·∞ means 0·(large) = 0.
 */
export function mulDown(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const p = a * b;
  if (!Number.isFinite(p)) return Number.isFinite(a) && Number.isFinite(b) ? nextDown(p) : p;
  if (p === 0) return productSign(a, b) > 0 ? 0 : -Number.MIN_VALUE;
  const e = productErrorSign(a, b, p);
  if (Number.isNaN(e)) return nextDown(p);
  return e >= 0 ? p : nextDown(p);
}

export function mulUp(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const p = a * b;
  if (!Number.isFinite(p)) return Number.isFinite(a) && Number.isFinite(b) ? nextUp(p) : p;
  if (p === 0) return productSign(a, b) > 0 ? Number.MIN_VALUE : 0;
  const e = productErrorSign(a, b, p);
  if (Number.isNaN(e)) return nextUp(p);
  return e <= 0 ? p : nextUp(p);
}

/**
 * Sign (-1, 0, 1) of a/b - q for q = fl(a/b), or NaN when it cannot be decided cheaply.
 * q*b = P + E exactly (TwoProduct) and a - P is exact by Sterbenz's lemma because P is within a
 * couple of ulps of a, so sign(a - q*b) = sign((a - P) - E) is a comparison with no rounding.
 */
function quotientErrorSign(a: number, b: number, q: number): number {
  const P = q * b;
  const E = productError(q, b, P);
  if (Number.isNaN(E)) return NaN;
  if (!(P / 2 <= a && a <= 2 * P) && !(P / 2 >= a && a >= 2 * P)) return NaN;
  const d = a - P;
  const residualSign = d > E ? 1 : d < E ? -1 : 0;
  return b > 0 ? residualSign : -residualSign;
}

/** quotientErrorSign on operands scaled to [1, 2); valid when q is a normal number. */
function scaledQuotientErrorSign(a: number, b: number, q: number): number {
  if (dekkerSafe(q, b) && dekkerSafe(a, 1)) {
    const direct = quotientErrorSign(a, b, q);
    if (!Number.isNaN(direct)) return direct;
  }
  if (Math.abs(q) < MIN_NORMAL) return NaN;
  const sa = unitScale(a);
  const sb = unitScale(b);
  return quotientErrorSign(sa.m, sb.m, sa.m / sb.m);
}

/** b must be nonzero (callers handle division by intervals touching zero separately). */
export function divDown(a: number, b: number): number {
  if (a === 0) return 0;
  const q = a / b;
  if (!Number.isFinite(q)) return Number.isFinite(a) ? nextDown(q) : q;
  // A finite numerator over an infinite endpoint is the limit 0 itself, not a rounded value.
  if (!Number.isFinite(b)) return 0;
  if (q === 0) return productSign(a, b) > 0 ? 0 : -Number.MIN_VALUE;
  const e = scaledQuotientErrorSign(a, b, q);
  if (Number.isNaN(e)) return nextDown(q);
  return e >= 0 ? q : nextDown(q);
}

export function divUp(a: number, b: number): number {
  if (a === 0) return 0;
  const q = a / b;
  if (!Number.isFinite(q)) return Number.isFinite(a) ? nextUp(q) : q;
  if (!Number.isFinite(b)) return 0;
  if (q === 0) return productSign(a, b) > 0 ? Number.MIN_VALUE : 0;
  const e = scaledQuotientErrorSign(a, b, q);
  if (Number.isNaN(e)) return nextUp(q);
  return e <= 0 ? q : nextUp(q);
}

/**
 * Sign of sqrt(x) - fl(sqrt(x)) via x - r² = (x - P) - E, decided on x scaled by an even power
 * of two into [1, 4) (the root of any positive double is normal, so the scaling is exact).
 */
function sqrtErrorSign(xIn: number): number {
  let x = xIn;
  if (!dekkerSafe(x, 1)) {
    const s = unitScale(xIn);
    x = s.e % 2 === 0 ? s.m : 2 * s.m;
  }
  const r = Math.sqrt(x);
  const P = r * r;
  const E = productError(r, r, P);
  if (Number.isNaN(E) || !(P / 2 <= x && x <= 2 * P)) return NaN;
  const d = x - P;
  return d > E ? 1 : d < E ? -1 : 0;
}

/** x ≥ 0 (or -0). */
export function sqrtDown(x: number): number {
  if (x === 0 || x === Infinity) return Math.sqrt(x);
  const r = Math.sqrt(x);
  const e = sqrtErrorSign(x);
  if (Number.isNaN(e)) return Math.max(0, nextDown(r));
  return e >= 0 ? r : nextDown(r);
}

export function sqrtUp(x: number): number {
  if (x === 0 || x === Infinity) return Math.sqrt(x);
  const r = Math.sqrt(x);
  const e = sqrtErrorSign(x);
  if (Number.isNaN(e)) return nextUp(r);
  return e <= 0 ? r : nextUp(r);
}
