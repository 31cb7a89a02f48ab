import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { Decimal } from "decimal.js";
import { axpy, canonicalizeSign, dot, norm, orthogonalizeAgainst } from "./vector-ops.js";
import { randomOrthogonal } from "./matrices.testkit.js";
import { createRng } from "../../util/random.js";

// Subnormals are left out: Decimal reads a double from its shortest decimal string, which for a
// subnormal is not its exact binary value, so the oracle itself would be off.
const finite = fc
  .double({ min: -1e100, max: 1e100, noNaN: true })
  .filter((x) => x === 0 || Math.abs(x) > 1e-150);
const pairOfVectors = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(fc.array(finite, { minLength: n, maxLength: n }), fc.array(finite, { minLength: n, maxLength: n })));

describe("vector-ops", () => {
  it("dot agrees with an exact decimal sum within n·ε·Σ|x_i y_i| (property)", () => {
    fc.assert(
      fc.property(pairOfVectors, ([x, y]) => {
        const exact = x.reduce((s, xi, i) => s.plus(new Decimal(xi).times(y[i]!)), new Decimal(0));
        const magnitude = x.reduce((s, xi, i) => s + Math.abs(xi * y[i]!), 0);
        const got = dot(Float64Array.from(x), Float64Array.from(y));
        expect(Math.abs(got - exact.toNumber())).toBeLessThanOrEqual(x.length * Number.EPSILON * magnitude + 1e-300);
      })
    );
  });

  it("norm matches Math.hypot and neither overflows nor underflows", () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 40 }), (x) => {
        const want = Math.hypot(...x);
        expect(Math.abs(norm(Float64Array.from(x)) - want)).toBeLessThanOrEqual(4 * x.length * Number.EPSILON * want);
      })
    );
    expect(norm(Float64Array.from([3e300, 4e300]))).toBeCloseTo(5e300, -288);
    expect(norm(Float64Array.from([3e-310, 4e-310]))).toBeGreaterThan(4.9e-310);
    expect(norm(new Float64Array(3))).toBe(0);
  });

  it("orthogonalizeAgainst leaves a vector orthogonal to the basis and returns the removed parts", () => {
    const n = 30;
    const rng = createRng(3);
    const basis = randomOrthogonal(n, rng).slice(0, 12);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = rng.normal();
    // Make w nearly inside the span, the case where a single Gram–Schmidt pass fails.
    for (const q of basis) axpy(1e6, q, w);
    const original = w.slice();
    const c = orthogonalizeAgainst(w, basis);
    for (const q of basis) expect(Math.abs(dot(q, w))).toBeLessThan(1e-14 * norm(w));
    const rebuilt = w.slice();
    basis.forEach((q, i) => axpy(c[i]!, q, rebuilt));
    for (let i = 0; i < n; i++) expect(Math.abs(rebuilt[i]! - original[i]!)).toBeLessThan(1e-8);
  });

  it("canonicalizeSign makes the first largest-magnitude entry positive", () => {
    const x = Float64Array.from([1, -3, 3, 2]);
    canonicalizeSign(x);
    expect(Array.from(x)).toEqual([-1, 3, -3, -2]);
    const y = Float64Array.from([0.5, 3, -3]);
    canonicalizeSign(y);
    expect(Array.from(y)).toEqual([0.5, 3, -3]);
  });
});
