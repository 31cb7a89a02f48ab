import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational } from "../num/rational.js";
import { matmulPlan } from "./kernels.js";
import { midRadMatmul } from "./interval-matmul.js";
import { MIDRAD_MIN_WORK, intervalMatmul, termByTermMatmul, type IntervalTensor } from "./interval-tensor.js";

/** Exact Σ a_ip b_pj in rationals for one choice of points inside the boxes. */
function exactProduct(a: number[], b: number[], m: number, k: number, n: number): Rational[] {
  const out: Rational[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = Rational.ZERO;
      for (let p = 0; p < k; p++) s = s.add(Rational.fromFloat(a[i * k + p]!).mul(Rational.fromFloat(b[p * n + j]!)));
      out.push(s);
    }
  }
  return out;
}

function encloses(r: IntervalTensor, exact: Rational[]): boolean {
  return exact.every((e, q) => Rational.fromFloat(r.lo[q]!).le(e) && e.le(Rational.fromFloat(r.hi[q]!)));
}

const value = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: -1e-300, max: 1e-300, noNaN: true }),
  fc.constantFrom(0, 1, -1, 1e16, -1e16, 3e-320)
);

describe("midpoint-radius interval matmul", () => {
  it("encloses the exact product at every point of the boxes (exact rational oracle)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }),
        fc.array(fc.tuple(value, value, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 18, maxLength: 18 }),
        fc.array(fc.tuple(value, value, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 18, maxLength: 18 }),
        (m, k, n, aq, bq) => {
          const box = (q: [number, number, number][], len: number) => {
            const lo = new Float64Array(len), hi = new Float64Array(len), pt: number[] = [];
            for (let i = 0; i < len; i++) {
              const [x, y, w] = q[i]!;
              lo[i] = Math.min(x, y);
              hi[i] = Math.max(x, y);
              // a point inside the box: an endpoint, or a float between them
              const p = w < 0.3 ? lo[i]! : w > 0.7 ? hi[i]! : lo[i]! + (hi[i]! - lo[i]!) * w;
              pt.push(Math.min(hi[i]!, Math.max(lo[i]!, p)));
            }
            return { lo, hi, pt };
          };
          const A = box(aq, m * k), B = box(bq, k * n);
          const r = midRadMatmul({ lo: A.lo, hi: A.hi }, { lo: B.lo, hi: B.hi }, matmulPlan([m, k], [k, n]));
          expect(r).not.toBeNull();
          expect(encloses({ shape: [m, n], ...r! }, exactProduct(A.pt, B.pt, m, k, n))).toBe(true);
        }
      ),
      { numRuns: 400 }
    );
  });

  it("survives catastrophic cancellation and underflow", () => {
    // 1e16 + 1 - 1e16 rounds to 0 or 2 in floats; the exact value is 1
    const a = { shape: [1, 3], lo: Float64Array.from([1e16, 1, -1e16]), hi: Float64Array.from([1e16, 1, -1e16]) };
    const b = { shape: [3, 1], lo: Float64Array.from([1, 1, 1]), hi: Float64Array.from([1, 1, 1]) };
    const r = midRadMatmul(a, b, matmulPlan(a.shape, b.shape))!;
    expect(r.lo[0]).toBeLessThanOrEqual(1);
    expect(r.hi[0]).toBeGreaterThanOrEqual(1);
    // products below the smallest subnormal: exact 2·(3e-320)² > 0 must stay inside
    const t = { shape: [1, 2], lo: Float64Array.from([3e-320, 3e-320]), hi: Float64Array.from([3e-320, 3e-320]) };
    const u = { shape: [2, 1], lo: Float64Array.from([3e-320, 3e-320]), hi: Float64Array.from([3e-320, 3e-320]) };
    const z = midRadMatmul(t, u, matmulPlan(t.shape, u.shape))!;
    expect(z.lo[0]).toBeLessThanOrEqual(0);
    expect(z.hi[0]).toBeGreaterThan(0);
  });

  it("is nearly as tight as term-by-term directed rounding on point data, and falls back on infinite bounds", () => {
    const m = 4, k = 50, n = 3;
    const lo = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i + 1));
    const bl = Float64Array.from({ length: k * n }, (_, i) => Math.cos(2 * i + 1));
    const a = { shape: [m, k], lo, hi: lo }, b = { shape: [k, n], lo: bl, hi: bl };
    const fast = midRadMatmul(a, b, matmulPlan(a.shape, b.shape))!, slow = termByTermMatmul(a, b, matmulPlan(a.shape, b.shape));
    for (let q = 0; q < m * n; q++) {
      expect(fast.hi[q]! - fast.lo[q]!).toBeLessThan(1e-12);
      expect(slow.hi[q]! - slow.lo[q]!).toBeLessThan(1e-12);
    }
    const inf = { shape: [1, 1], lo: Float64Array.from([-Infinity]), hi: Float64Array.from([1]) };
    expect(midRadMatmul(inf, { lo: Float64Array.from([2]), hi: Float64Array.from([2]) }, matmulPlan([1, 1], [1, 1]))).toBeNull();
    const big = 1 << 9; // enough work for the fast path, which must then fall back
    expect(big * (big >> 2)).toBeGreaterThanOrEqual(MIDRAD_MIN_WORK);
    const wide = { shape: [1, big], lo: new Float64Array(big).fill(-Infinity), hi: new Float64Array(big).fill(1) };
    const col = { shape: [big, big >> 2], lo: new Float64Array(big * (big >> 2)).fill(2), hi: new Float64Array(big * (big >> 2)).fill(2) };
    const r = intervalMatmul(wide, col);
    expect(r.lo[0]).toBe(-Infinity);
    expect(r.hi[0]).toBe(2 * big);
  });
});
