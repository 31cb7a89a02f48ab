import { unaryFloatOp } from "./unary-float-op.js";
import { sCurveFacts } from "../curvature-facts.js";
import { iv } from "../interval-tensor.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf to ~1 ulp-level accuracy in float64 (JavaScript has no Math.erf).
 * |x| < 3: erf(x) = 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3···(2n+1)), a series of positive terms (no cancellation).
 * |x| ≥ 3: 1 - erfc(x) with erfc from its continued fraction (modified Lentz).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x, sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  return Math.sign(x) * (1 - erfcLarge(ax));
}

/** erfc(x) for x ≥ 3: e^{-x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))). */
function erfcLarge(x: number): number {
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let k = 1; k < 300; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

export const Erf = unaryFloatOp({
  name: "Erf",
  curvature: sCurveFacts("erf", "same"),
  f: erf,
  interval: (x) => iv.erf(x),
  derivative: (g, { inputs: [x] }, gy) => g.mul(gy, g.mul(TWO_OVER_SQRT_PI, g.exp(g.neg(g.mul(x!, x!))))),
  onnx: {
    // onnxruntime's CPU provider has no float64 Erf; evaluating it in float32 costs ~1e-7 relative accuracy.
    decompose: { dtypes: ["float64"], rewrite: (g, [x]) => g.cast(g.op("Erf", [g.cast(x!, "float32")]), "float64") }
  }
});
