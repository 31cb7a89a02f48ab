import fc from "fast-check";
import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import { UserError } from "../../util/errors.js";
import {
  ENTIRE, NAN_INTERVAL, abs, add, contains, containsZero, div, hull, interval, intersect, isInterior,
  isNaNInterval, isNegative, isNonNegative, isNonPositive, isPositive, isSubset, max, mid, min, mul, neg,
  point, powInt, recip, sqr, sub, width, type Interval,
} from "./interval.js";
import { anyFinite, caseOf, doubleIn, expectTight, type Case } from "./arbitraries.testkit.js";
import { exact } from "./oracle.testkit.js";

// A double's exact decimal expansion has at most 767 significant digits, so sums, products and
// powers up to the 7th of doubles are exact at 6000 digits. Quotients are never formed: a bound
// q of num/den is checked as q·den ≶ num.
const X = Decimal.clone({ precision: 6000, maxE: 9e15, minE: -9e15 });
const ex = (v: number): Decimal => new X(exact(v));

/** q ≤ num/den, decided exactly (den ≠ 0). */
function atMostQuotient(q: number, num: Decimal, den: Decimal): boolean {
  if (q === -Infinity) return true;
  if (q === Infinity) return false;
  return den.isPositive() ? ex(q).times(den).lte(num) : ex(q).times(den).gte(num);
}

function enclosesQuotient(f: Interval, num: Decimal, den: Decimal): boolean {
  return !isNaNInterval(f) && atMostQuotient(f.lo, num, den) && !atMostQuotient(f.hi, num, den) || (!isNaNInterval(f) && atMostQuotient(f.lo, num, den) && isEqualQuotient(f.hi, num, den));
}

function isEqualQuotient(q: number, num: Decimal, den: Decimal): boolean {
  return Number.isFinite(q) && ex(q).times(den).eq(num);
}

const scalar = fc.oneof(anyFinite, doubleIn(-10, 10), doubleIn(-1e-300, 1e-300), fc.integer({ min: -50, max: 50 }));
const cases = caseOf(scalar);

function encloses(f: Interval, truth: Decimal): boolean {
  return !isNaNInterval(f) && ex(f.lo).lte(truth) && truth.lte(ex(f.hi));
}

function checkBinary(op: (a: Interval, b: Interval) => Interval, truth: (a: Decimal, b: Decimal) => Decimal, name: string, skip?: (b: number) => boolean): void {
  fc.assert(
    fc.property(cases, cases, (ca: Case, cb: Case) => {
      const f = op(ca.x, cb.x);
      for (const a of ca.points) {
        for (const b of cb.points) {
          if (skip?.(b)) continue;
          const t = truth(ex(a), ex(b));
          if (!encloses(f, t)) throw new Error(`${name}([${ca.x.lo},${ca.x.hi}], [${cb.x.lo},${cb.x.hi}]) = [${f.lo},${f.hi}] misses value at (${a}, ${b})`);
        }
      }
    }),
    { numRuns: 300 },
  );
}

describe("constructors and predicates", () => {
  it("interval() validates order and maps non-real bounds to the NaN interval", () => {
    expect(() => interval(2, 1)).toThrow(UserError);
    expect(isNaNInterval(interval(NaN, 1))).toBe(true);
    expect(isNaNInterval(interval(Infinity, Infinity))).toBe(true);
    expect(isNaNInterval(point(Infinity))).toBe(true);
    expect(interval(-Infinity, 3)).toEqual({ lo: -Infinity, hi: 3 });
  });

  it("sign predicates, containment, subset and interior", () => {
    expect(isPositive(interval(0, 1))).toBe(false);
    expect(isNonNegative(interval(0, 1))).toBe(true);
    expect(isNegative(interval(-2, -1))).toBe(true);
    expect(isNonPositive(interval(-2, 0))).toBe(true);
    expect(isPositive(NAN_INTERVAL) || isNegative(NAN_INTERVAL)).toBe(false);
    expect(contains(interval(1, 2), 1.5)).toBe(true);
    expect(containsZero(interval(-1, 0))).toBe(true);
    expect(isSubset(interval(1, 2), interval(0, 2))).toBe(true);
    expect(isInterior(interval(1, 2), interval(0, 2))).toBe(false);
    expect(isInterior(interval(1, 2), interval(0, 3))).toBe(true);
    expect(isNaNInterval(intersect(interval(0, 1), interval(2, 3)))).toBe(true);
    expect(hull(interval(0, 1), interval(2, 3))).toEqual({ lo: 0, hi: 3 });
  });

  it("mid is a member and width bounds hi - lo from above", () => {
    fc.assert(
      fc.property(cases, ({ x }) => {
        expect(contains(x, mid(x))).toBe(true);
        expect(Number.isFinite(mid(x))).toBe(true);
        const w = width(x);
        if (Number.isFinite(w)) expect(ex(w).gte(ex(x.hi).minus(ex(x.lo)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("arithmetic encloses the exact result", () => {
  it("add", () => checkBinary(add, (a, b) => a.plus(b), "add"));
  it("sub", () => checkBinary(sub, (a, b) => a.minus(b), "sub"));
  it("mul", () => checkBinary(mul, (a, b) => a.times(b), "mul"));
  it("div (points with b = 0 are excluded by the division policy)", () => {
    fc.assert(
      fc.property(cases, cases, (ca, cb) => {
        const f = div(ca.x, cb.x);
        for (const a of ca.points) {
          for (const b of cb.points) {
            if (b === 0) continue;
            expect(enclosesQuotient(f, ex(a), ex(b)), `div([${ca.x.lo},${ca.x.hi}], [${cb.x.lo},${cb.x.hi}]) at (${a}, ${b})`).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
  it("neg, abs, sqr, recip", () => {
    fc.assert(
      fc.property(cases, (c) => {
        for (const p of c.points) {
          const v = ex(p);
          expect(encloses(neg(c.x), v.neg())).toBe(true);
          expect(encloses(abs(c.x), v.abs())).toBe(true);
          expect(encloses(sqr(c.x), v.times(v))).toBe(true);
          if (p !== 0) expect(enclosesQuotient(recip(c.x), new X(1), v)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
  it("powInt for n in [-5, 7]", () => {
    fc.assert(
      fc.property(caseOf(fc.oneof(doubleIn(-1e10, 1e10), doubleIn(-3, 3), doubleIn(-1e-60, 1e-60))), fc.integer({ min: -5, max: 7 }), (c, n) => {
        const f = powInt(c.x, n);
        for (const p of c.points) {
          if (p === 0 && n < 0) continue;
          const what = `powInt([${c.x.lo},${c.x.hi}], ${n}) at ${p}`;
          if (n >= 0) expect(encloses(f, ex(p).pow(n)), what).toBe(true);
          else expect(enclosesQuotient(f, new X(1), ex(p).pow(-n)), what).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
  it("max and min", () => {
    checkBinary(max, (a, b) => Decimal.max(a, b), "max");
    checkBinary(min, (a, b) => Decimal.min(a, b), "min");
  });
});

describe("division and power policies", () => {
  it("dividing by an interval with 0 gives ENTIRE, half-lines, or the NaN interval for [0, 0]", () => {
    expect(div(interval(1, 2), interval(-1, 1))).toEqual(ENTIRE);
    expect(div(interval(1, 2), interval(0, 4))).toEqual({ lo: 0.25, hi: Infinity });
    expect(div(interval(-2, -1), interval(0, 4))).toEqual({ lo: -Infinity, hi: -0.25 });
    expect(div(interval(1, 2), interval(-4, 0))).toEqual({ lo: -Infinity, hi: -0.25 });
    expect(div(interval(-1, 2), interval(0, 4))).toEqual(ENTIRE);
    expect(isNaNInterval(div(interval(1, 2), interval(0, 0)))).toBe(true);
    expect(div(interval(0, 0), interval(-1, 1))).toEqual({ lo: 0, hi: 0 });
  });

  it("sqr and even powers are tight and nonnegative across 0; odd powers keep the sign", () => {
    expect(sqr(interval(-2, 3))).toEqual({ lo: 0, hi: 9 });
    expect(mul(interval(-2, 3), interval(-2, 3))).toEqual({ lo: -6, hi: 9 });
    expect(powInt(interval(-2, 1), 4)).toEqual({ lo: 0, hi: 16 });
    expect(powInt(interval(-2, 1), 3)).toEqual({ lo: -8, hi: 1 });
    expect(powInt(interval(-1, 2), -2)).toEqual({ lo: 0.25, hi: Infinity });
    expect(powInt(interval(-1, 2), -1)).toEqual(ENTIRE);
    expect(powInt(interval(2, 4), -1)).toEqual({ lo: 0.25, hi: 0.5 });
    expect(powInt(interval(-3, 5), 0)).toEqual({ lo: 1, hi: 1 });
    expect(() => powInt(interval(1, 2), 0.5)).toThrow();
  });

  it("exact operations on exact operands give point results; others are one ulp wide", () => {
    expect(add(point(0.5), point(0.25))).toEqual({ lo: 0.75, hi: 0.75 });
    expect(mul(point(3), point(-7))).toEqual({ lo: -21, hi: -21 });
    expectTight(add(point(0.1), point(0.2)), 1, "0.1 + 0.2");
    expectTight(div(point(1), point(3)), 1, "1/3");
  });

  it("NaN intervals propagate", () => {
    for (const op of [add, sub, mul, div, max, min]) expect(isNaNInterval(op(NAN_INTERVAL, interval(1, 2)))).toBe(true);
    expect(isNaNInterval(sqr(NAN_INTERVAL))).toBe(true);
  });
});
