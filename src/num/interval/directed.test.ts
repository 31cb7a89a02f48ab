import fc from "fast-check";
import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import { addDown, addUp, divDown, divUp, mulDown, mulUp, sqrtDown, sqrtUp, subDown, subUp } from "./directed.js";
import { anyFinite, doubleIn } from "./arbitraries.testkit.js";
import { exact } from "./oracle.testkit.js";
import { ulpDistance } from "./round.js";

// Sums and products of two doubles are exact decimal fractions with fewer than 2200 significant
// digits, so at this precision the oracle arithmetic is exact.
const X = Decimal.clone({ precision: 2500, maxE: 9e15, minE: -9e15 });
const ex = (v: number): Decimal => new X(exact(v));

const operand = fc.oneof(anyFinite, doubleIn(-10, 10), fc.integer({ min: -1000, max: 1000 }), doubleIn(-1e-300, 1e-300));

/** lo ≤ truth ≤ hi as exact decimals, where Infinity bounds compare as unbounded. */
function encloses(lo: number, hi: number, truth: Decimal): boolean {
  return ex(lo).lte(truth) && truth.lte(ex(hi));
}

/**
 * One grid step when inexact, none when exact (finite, no overflow). In the subnormal range the
 * direction of rounding is not decided, so there the budget is one step on each side.
 */
function expectOneUlp(lo: number, hi: number, truth: Decimal): void {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return;
  const w = ulpDistance(lo, hi);
  if (Math.max(Math.abs(lo), Math.abs(hi)) <= 2 ** -1022) {
    expect(w <= 2n).toBe(true);
    return;
  }
  const exactResult = ex(lo).eq(truth) && ex(hi).eq(truth);
  expect(w <= 1n).toBe(true);
  if (ex(lo).eq(truth) || ex(hi).eq(truth)) expect(exactResult || w === 1n).toBe(true);
}

describe("directed rounding of +, -, *, /, sqrt", () => {
  it("addDown/addUp and subDown/subUp bracket the exact sum within one ulp", () => {
    fc.assert(
      fc.property(operand, operand, (a, b) => {
        const s = ex(a).plus(ex(b));
        expect(encloses(addDown(a, b), addUp(a, b), s)).toBe(true);
        expectOneUlp(addDown(a, b), addUp(a, b), s);
        const d = ex(a).minus(ex(b));
        expect(encloses(subDown(a, b), subUp(a, b), d)).toBe(true);
      }),
      { numRuns: 600 },
    );
  });

  it("mulDown/mulUp bracket the exact product, exact products stay points", () => {
    fc.assert(
      fc.property(operand, operand, (a, b) => {
        const p = ex(a).times(ex(b));
        const lo = mulDown(a, b);
        const hi = mulUp(a, b);
        expect(encloses(lo, hi, p)).toBe(true);
        expectOneUlp(lo, hi, p);
      }),
      { numRuns: 600 },
    );
    expect([mulDown(3, 7), mulUp(3, 7)]).toEqual([21, 21]);
    expect(mulDown(0, Infinity)).toBe(0);
    expect(mulUp(1e-200, 1e-200)).toBe(Number.MIN_VALUE);
    expect(mulDown(1e-200, 1e-200)).toBe(0);
    expect(mulDown(-1e-200, 1e-200)).toBe(-Number.MIN_VALUE);
    expect(mulDown(1e200, 1e200)).toBe(Number.MAX_VALUE);
    expect(mulUp(1e200, 1e200)).toBe(Infinity);
  });

  it("divDown/divUp bracket the exact quotient (checked by multiplying back)", () => {
    fc.assert(
      fc.property(operand, operand.filter((b) => b !== 0), (a, b) => {
        const lo = divDown(a, b);
        const hi = divUp(a, b);
        const A = ex(a);
        const B = ex(b);
        // lo ≤ a/b ⟺ lo·b ≤ a for b > 0 (reversed for b < 0); infinite bounds are trivially fine.
        const le = (q: number): boolean => !Number.isFinite(q) ? q < 0 : (b > 0 ? ex(q).times(B).lte(A) : ex(q).times(B).gte(A));
        const ge = (q: number): boolean => !Number.isFinite(q) ? q > 0 : (b > 0 ? ex(q).times(B).gte(A) : ex(q).times(B).lte(A));
        expect(le(lo)).toBe(true);
        expect(ge(hi)).toBe(true);
        const subnormal = Math.max(Math.abs(lo), Math.abs(hi)) <= 2 ** -1022;
        if (Number.isFinite(lo) && Number.isFinite(hi)) expect(ulpDistance(lo, hi) <= (subnormal ? 2n : 1n)).toBe(true);
      }),
      { numRuns: 600 },
    );
    expect([divDown(1, 4), divUp(1, 4)]).toEqual([0.25, 0.25]);
    expect([divDown(6, 3), divUp(6, 3)]).toEqual([2, 2]);
    expect(divUp(1, 3) - divDown(1, 3)).toBeGreaterThan(0);
    expect(divDown(5, Infinity)).toBe(0);
  });

  it("sqrtDown/sqrtUp bracket the exact root (checked by squaring), exact roots stay points", () => {
    fc.assert(
      fc.property(anyFinite.map(Math.abs), (x) => {
        const lo = sqrtDown(x);
        const hi = sqrtUp(x);
        expect(ex(lo).times(ex(lo)).lte(ex(x))).toBe(true);
        expect(ex(hi).times(ex(hi)).gte(ex(x))).toBe(true);
        expect(ulpDistance(lo, hi) <= 1n).toBe(true);
      }),
      { numRuns: 600 },
    );
    expect([sqrtDown(16), sqrtUp(16)]).toEqual([4, 4]);
    expect([sqrtDown(2.25), sqrtUp(2.25)]).toEqual([1.5, 1.5]);
  });
});
