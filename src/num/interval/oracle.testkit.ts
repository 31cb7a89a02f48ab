/**
 * Test-only oracle: true values of the functions in this folder, in decimal.js at 40+ digits,
 * written independently of the interval code (different formulas where it matters: alternating
 * Taylor series and asymptotic series for erf instead of the positive series and continued
 * fractions used by the kernels). Not imported by production code.
 */
import { Decimal } from "decimal.js";

export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, maxE: 9e15, minE: -9e15 });
export type Dec = Decimal;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The exact value of a double as a Decimal (no rounding: a double is a finite decimal fraction). */
export function exact(x: number): Decimal {
  if (!Number.isFinite(x) || x === 0) return new D(x === 0 ? 0 : x);
  f64[0] = x;
  const bits = u64[0]!;
  const negative = bits >> 63n === 1n;
  const expField = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const mant = expField === 0 ? frac : frac | (1n << 52n);
  const e = expField === 0 ? -1074 : expField - 1075;
  let digits: string;
  let scale = 0;
  if (e >= 0) digits = (mant << BigInt(e)).toString();
  else {
    digits = (mant * 5n ** BigInt(-e)).toString();
    scale = -e;
  }
  return new D(`${negative ? "-" : ""}${digits}e-${scale}`);
}

const ONE = new D(1);
const TWO = new D(2);

/** Σ terms of a power series until the term is below 10^-45 of the running sum. */
function seriesSum(first: Decimal, next: (term: Decimal, k: number) => Decimal): Decimal {
  let sum = first;
  let term = first;
  for (let k = 1; k < 10_000; k++) {
    term = next(term, k);
    sum = sum.plus(term);
    if (term.isZero() || term.abs().lt(sum.abs().times("1e-45"))) return sum;
  }
  throw new Error("oracle series did not converge");
}

export function exp(x: Decimal): Decimal {
  return x.exp();
}

export function expm1(x: Decimal): Decimal {
  if (x.abs().gte("1e-3")) return x.exp().minus(1);
  return seriesSum(x, (t, k) => t.times(x).div(k + 1));
}

export function log(x: Decimal): Decimal {
  return x.ln();
}

export function log1p(x: Decimal): Decimal {
  if (x.abs().gte("1e-3")) return x.plus(1).ln();
  // x - x²/2 + x³/3 - …
  let power = x;
  let sum = x;
  for (let k = 2; k < 200; k++) {
    power = power.times(x).neg();
    const term = power.div(k);
    sum = sum.plus(term);
    if (term.isZero() || term.abs().lt(sum.abs().times("1e-45"))) break;
  }
  return sum;
}

export function tanh(x: Decimal): Decimal {
  if (x.abs().gte(20)) {
    // 1 - 2/(e^{2|x|} + 1); decimal.js's own tanh does not terminate for huge arguments.
    const r = ONE.minus(TWO.div(x.abs().times(2).exp().plus(1)));
    return x.isNegative() ? r.neg() : r;
  }
  if (x.abs().gte("1e-3")) return x.tanh();
  // Odd series from tanh = sinh/cosh, both summed to 45 digits, no cancellation at small x.
  const sinh = seriesSum(x, (t, k) => t.times(x).times(x).div((2 * k) * (2 * k + 1)));
  const cosh = seriesSum(ONE, (t, k) => t.times(x).times(x).div((2 * k - 1) * (2 * k)));
  return sinh.div(cosh);
}

export function sigmoid(x: Decimal): Decimal {
  return ONE.div(ONE.plus(x.neg().exp()));
}

export function softplus(x: Decimal): Decimal {
  // log(1 + e^x) = max(x, 0) + log1p(e^{-|x|})
  const m = x.isPositive() ? x : new D(0);
  return m.plus(log1p(x.abs().neg().exp()));
}

const erfClones = new Map<number, typeof Decimal>();
function cloneWithPrecision(p: number): typeof Decimal {
  let c = erfClones.get(p);
  if (c === undefined) {
    c = Decimal.clone({ precision: p, maxE: 9e15, minE: -9e15 });
    erfClones.set(p, c);
  }
  return c;
}

const sqrtPiCache = new Map<number, Decimal>();
function sqrtPi(C: typeof Decimal): Decimal {
  const p = C.precision;
  let v = sqrtPiCache.get(p);
  if (v === undefined) {
    v = C.acos(-1).sqrt();
    sqrtPiCache.set(p, v);
  }
  return v;
}

/** erf and erfc of a nonnegative x, both to ~50 significant digits. */
function erfPair(x: Decimal): { erf: Decimal; erfc: Decimal } {
  if (x.isZero()) return { erf: new D(0), erfc: new D(1) };
  if (x.gt(12)) {
    // Asymptotic series: erfc(x) = e^{-x²}/(x√π) Σ (-1)^n (2n-1)!!/(2x²)^n; error < first
    // omitted term, which for x > 12 is below e^{-144} relative.
    const C = cloneWithPrecision(70);
    const X = new C(x);
    const twoX2 = X.times(X).times(2);
    let term = new C(1);
    let sum = new C(1);
    for (let n = 1; n < 140; n++) {
      term = term.times(-(2 * n - 1)).div(twoX2);
      sum = sum.plus(term);
      if (term.abs().lt("1e-65")) break;
    }
    const erfc = X.times(X).neg().exp().div(X.times(sqrtPi(C))).times(sum);
    return { erf: new D(new C(1).minus(erfc)), erfc: new D(erfc) };
  }
  // Alternating Taylor series with enough guard digits for the cancellation (terms reach ~e^{x²})
  // and for erfc = 1 - erf (~e^{-x²}).
  const xx = x.times(x).toNumber();
  const extra = Math.ceil(xx * 0.4343) + 10;
  const p = 45 + 2 * extra;
  const C = cloneWithPrecision(p - (p % 20) + 20);
  const X = new C(x);
  const X2 = X.times(X);
  let power = X;
  let sum = X;
  const eps = new C(10).pow(-(p - 5));
  for (let n = 1; n < 20_000; n++) {
    power = power.times(X2).neg().div(n);
    const term = power.div(2 * n + 1);
    sum = sum.plus(term);
    if (n > xx && term.abs().lt(eps)) break;
  }
  const erf = sum.times(2).div(sqrtPi(C));
  return { erf: new D(erf), erfc: new D(new C(1).minus(erf)) };
}

export function erf(x: Decimal): Decimal {
  const r = erfPair(x.abs()).erf;
  return x.isNegative() ? r.neg() : r;
}

export function erfc(x: Decimal): Decimal {
  if (!x.isNegative()) return erfPair(x).erfc;
  return ONE.plus(erfPair(x.abs()).erf);
}

/** Standard normal CDF Φ(x) = erfc(-x/√2)/2. */
export function normalCdf(x: Decimal): Decimal {
  const C = cloneWithPrecision(80);
  const arg = new C(x).neg().div(new C(2).sqrt());
  return erfc(new D(arg)).div(TWO);
}

/** Standard normal density φ(x). */
export function normalPdf(x: Decimal): Decimal {
  const twoPi = D.acos(-1).times(2);
  return x.times(x).div(-2).exp().div(twoPi.sqrt());
}

export function gelu(x: Decimal): Decimal {
  return x.times(normalCdf(x));
}

export function silu(x: Decimal): Decimal {
  return x.times(sigmoid(x));
}

export function mish(x: Decimal): Decimal {
  return x.times(tanh(softplus(x)));
}

export function geluDerivative(x: Decimal): Decimal {
  return normalCdf(x).plus(x.times(normalPdf(x)));
}

export function siluDerivative(x: Decimal): Decimal {
  const s = sigmoid(x);
  return s.times(ONE.plus(x.times(ONE.minus(s))));
}

export function mishDerivative(x: Decimal): Decimal {
  const t = tanh(softplus(x));
  return t.plus(x.times(ONE.minus(t.times(t))).times(sigmoid(x)));
}
