import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { Decimal } from "decimal.js";
import { Rational, bitLength, gcdBig, roundRatioToDouble } from "./rational.js";
import { UserError } from "../util/errors.js";

// ---------- independent helpers (deliberately not the module's own code) ----------

function naiveGcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  return b === 0n ? a : naiveGcd(b, a % b);
}

/** Lowest terms by the textbook recipe: the oracle for the optimised add/mul paths. */
function reduced(num: bigint, den: bigint): [bigint, bigint] {
  if (den < 0n) [num, den] = [-num, -den];
  const g = naiveGcd(num, den);
  return g === 0n ? [0n, 1n] : [num / g, den / g];
}

function expectNormalised(r: Rational): void {
  expect(r.den > 0n).toBe(true);
  expect(naiveGcd(r.num, r.den)).toBe(1n);
}

function expectSame(r: Rational, num: bigint, den: bigint): void {
  const [n, d] = reduced(num, den);
  expect([r.num, r.den]).toEqual([n, d]);
}

const view = new DataView(new ArrayBuffer(8));
function bitsOf(x: number): bigint {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}
function fromBits(b: bigint): number {
  view.setBigUint64(0, b);
  return view.getFloat64(0);
}
/** The next double above a finite x >= 0 (Infinity above MAX_VALUE). */
function nextUpNonNegative(x: number): number {
  return fromBits(bitsOf(x) + 1n);
}
function isEvenDouble(x: number): boolean {
  return (bitsOf(Math.abs(x)) & 1n) === 0n;
}
function log2Exact(powerOfTwo: bigint): number {
  return powerOfTwo.toString(2).length - 1;
}

/** 2^1024 stands in for +Infinity: IEEE rounds as if the exponent were unbounded, then overflows. */
const TWO_POW_1024 = Rational.fromBigInt(2n ** 1024n);
function asExtended(x: number): Rational {
  if (x === Infinity) return TWO_POW_1024;
  if (x === -Infinity) return TWO_POW_1024.neg();
  return Rational.fromFloat(x);
}

/**
 * Checks that y is a nearest double (ties to even) to the positive rational r, straight from the
 * definition: no double is closer, and on a tie y has an even significand.
 */
function expectNearestPositive(r: Rational, y: number): void {
  expect(y >= 0).toBe(true);
  if (y === Infinity) {
    // Overflow threshold: halfway between MAX_VALUE and 2^1024.
    expect(r.ge(Rational.fromBigInt(2n ** 1024n - 2n ** 970n))).toBe(true);
    return;
  }
  const here = r.sub(asExtended(y)).abs();
  const up = r.sub(asExtended(nextUpNonNegative(y))).abs();
  expect(here.le(up)).toBe(true);
  if (here.eq(up)) expect(isEvenDouble(y)).toBe(true);
  if (y > 0) {
    const down = r.sub(Rational.fromFloat(fromBits(bitsOf(y) - 1n))).abs();
    expect(here.le(down)).toBe(true);
    if (here.eq(down)) expect(isEvenDouble(y)).toBe(true);
  }
}

// ---------- arbitraries ----------

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
const smallRational = fc
  .tuple(fc.bigInt({ min: -40n, max: 40n }), fc.bigInt({ min: 1n, max: 40n }))
  .map(([n, d]) => Rational.of(n, d));
const bigRational = fc
  .tuple(fc.bigInt({ min: -(1n << 130n), max: 1n << 130n }), fc.bigInt({ min: 1n, max: 1n << 130n }))
  .map(([n, d]) => Rational.of(n, d));
const floatRational = finiteDouble.map((x) => Rational.fromFloat(x));
const rational = fc.oneof(smallRational, bigRational, floatRational);
const nonZeroRational = rational.filter((r) => !r.isZero());

/** Positive rationals spread over (and beyond) the whole double range, subnormals included. */
const wideRational = fc
  .tuple(fc.bigInt({ min: 1n, max: 1n << 90n }), fc.bigInt({ min: 1n, max: 1n << 90n }), fc.integer({ min: -1180, max: 1100 }))
  .map(([n, d, k]) => (k >= 0 ? Rational.of(n << BigInt(k), d) : Rational.of(n, d << BigInt(-k))));

// ---------- tests ----------

describe("Rational normal form", () => {
  it("stores every constructed value in lowest terms with a positive denominator", () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt().filter((d) => d !== 0n), (n, d) => {
        const r = Rational.of(n, d);
        expectNormalised(r);
        expectSame(r, n, d);
      })
    );
    expect([Rational.of(0n, -7n).num, Rational.of(0n, -7n).den]).toEqual([0n, 1n]);
    expect(Rational.of(6n, -4n).toString()).toBe("-3/2");
  });

  it("refuses a zero denominator and non-safe integers with a UserError", () => {
    expect(() => Rational.of(1n, 0n)).toThrow(UserError);
    expect(() => Rational.fromInt(0.5)).toThrow(UserError);
    expect(() => Rational.fromInt(2 ** 53)).toThrow(/safe integer/);
    expect(Rational.fromInt(-(2 ** 53) + 1).num).toBe(-(2n ** 53n) + 1n);
    expect(Rational.fromInt(-0).eq(Rational.ZERO)).toBe(true);
  });

  it("gcdBig and bitLength agree with textbook definitions", () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt(), (a, b) => {
        expect(gcdBig(a, b)).toBe(naiveGcd(a, b));
      })
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 2000n }), (n) => {
        expect(bitLength(n)).toBe(n.toString(2).length);
      })
    );
  });
});

describe("Rational field arithmetic", () => {
  it("add, sub and mul match the reduced textbook formulas and stay normalised", () => {
    fc.assert(
      fc.property(rational, rational, (a, b) => {
        const sum = a.add(b);
        const diff = a.sub(b);
        const prod = a.mul(b);
        for (const r of [sum, diff, prod]) expectNormalised(r);
        expectSame(sum, a.num * b.den + b.num * a.den, a.den * b.den);
        expectSame(diff, a.num * b.den - b.num * a.den, a.den * b.den);
        expectSame(prod, a.num * b.num, a.den * b.den);
      }),
      { numRuns: 300 }
    );
  });

  it("div matches the reduced textbook formula", () => {
    fc.assert(
      fc.property(rational, nonZeroRational, (a, b) => {
        const q = a.div(b);
        expectNormalised(q);
        expectSame(q, a.num * b.den, a.den * b.num);
      }),
      { numRuns: 300 }
    );
  });

  it("satisfies associativity, commutativity and distributivity", () => {
    fc.assert(
      fc.property(rational, rational, rational, (a, b, c) => {
        expect(a.add(b).add(c).eq(a.add(b.add(c)))).toBe(true);
        expect(a.mul(b).mul(c).eq(a.mul(b.mul(c)))).toBe(true);
        expect(a.add(b).eq(b.add(a))).toBe(true);
        expect(a.mul(b).eq(b.mul(a))).toBe(true);
        expect(a.mul(b.add(c)).eq(a.mul(b).add(a.mul(c)))).toBe(true);
      }),
      { numRuns: 200 }
    );
  });

  it("has identities and inverses: a - a = 0, a / a = 1, a + 0 = a, a * 1 = a", () => {
    fc.assert(
      fc.property(rational, (a) => {
        expect(a.sub(a).eq(Rational.ZERO)).toBe(true);
        expect(a.add(a.neg()).isZero()).toBe(true);
        expect(a.add(Rational.ZERO).eq(a)).toBe(true);
        expect(a.mul(Rational.ONE).eq(a)).toBe(true);
        expect(a.mul(Rational.ZERO).eq(Rational.ZERO)).toBe(true);
        expect(a.neg().neg().eq(a)).toBe(true);
        expect(a.abs().sign()).toBe(a.isZero() ? 0 : 1);
        if (!a.isZero()) {
          expect(a.div(a).eq(Rational.ONE)).toBe(true);
          expect(a.mul(a.inv()).eq(Rational.ONE)).toBe(true);
        }
      }),
      { numRuns: 300 }
    );
  });

  it("throws a UserError on division by zero", () => {
    expect(() => Rational.ONE.div(Rational.ZERO)).toThrow(UserError);
    expect(() => Rational.ZERO.inv()).toThrow(/division by zero/);
  });

  it("powInt agrees with repeated multiplication, including negative exponents", () => {
    fc.assert(
      fc.property(rational, fc.integer({ min: -6, max: 6 }), (a, k) => {
        fc.pre(!(a.isZero() && k < 0));
        let expected = Rational.ONE;
        for (let i = 0; i < Math.abs(k); i++) expected = expected.mul(a);
        if (k < 0) expected = Rational.ONE.div(expected);
        const got = a.powInt(k);
        expectNormalised(got);
        expect(got.eq(expected)).toBe(true);
      }),
      { numRuns: 200 }
    );
    expect(Rational.ZERO.powInt(0).eq(Rational.ONE)).toBe(true);
    expect(Rational.fromInt(-1).powInt(7).eq(Rational.fromInt(-1))).toBe(true);
    expect(Rational.fromInt(-1).powInt(-8).eq(Rational.ONE)).toBe(true);
    expect(Rational.parse("-2/3").powInt(-3).toString()).toBe("-27/8");
    expect(() => Rational.ZERO.powInt(-1)).toThrow(UserError);
    expect(() => Rational.ONE.powInt(0.5)).toThrow(UserError);
    expect(() => Rational.fromInt(3).powInt(2 ** 40)).toThrow(/bits/);
  });

  it("evaluates the seed's ReLU counterexample losses exactly: 0, 0 and 1", () => {
    // theta = (A1[2x1], b1[2], A2[1x2], b2[1]); loss = 1/2 * sum (N(x_i) - y_i)^2 on (1,1), (-1,-1).
    const relu = (v: Rational): Rational => Rational.max(v, Rational.ZERO);
    const loss = (theta: Rational[]): Rational => {
      const [a11, a12, b11, b12, c1, c2, b2] = theta as [Rational, Rational, Rational, Rational, Rational, Rational, Rational];
      let total = Rational.ZERO;
      for (const [x, y] of [[1, 1], [-1, -1]] as const) {
        const xr = Rational.fromInt(x);
        const out = b2.add(c1.mul(relu(a11.mul(xr).add(b11)))).add(c2.mul(relu(a12.mul(xr).add(b12))));
        total = total.add(out.sub(Rational.fromInt(y)).powInt(2));
      }
      return total.div(Rational.fromInt(2));
    };
    const theta1 = [1, -1, 0, 0, 1, -1, 0].map((v) => Rational.fromInt(v));
    const theta2 = [-1, 1, 0, 0, -1, 1, 0].map((v) => Rational.fromInt(v));
    const half = Rational.parse("1/2");
    const mid = theta1.map((t, i) => half.mul(t).add(half.mul(theta2[i]!)));
    expect(loss(theta1).eq(Rational.ZERO)).toBe(true);
    expect(loss(theta2).eq(Rational.ZERO)).toBe(true);
    expect(loss(mid).eq(Rational.ONE)).toBe(true);
    // Convexity would demand L(mid) <= (L(theta1) + L(theta2)) / 2 = 0.
    expect(loss(mid).gt(half.mul(loss(theta1).add(loss(theta2))))).toBe(true);
  });
});

describe("Rational ordering", () => {
  it("cmp is the sign of the difference and the predicates follow it", () => {
    fc.assert(
      fc.property(rational, rational, (a, b) => {
        const c = a.cmp(b);
        expect(c).toBe(a.sub(b).sign());
        expect(b.cmp(a) + c).toBe(0);
        expect(a.eq(b)).toBe(c === 0);
        expect(a.lt(b)).toBe(c < 0);
        expect(a.le(b)).toBe(c <= 0);
        expect(a.gt(b)).toBe(c > 0);
        expect(a.ge(b)).toBe(c >= 0);
        expect(Rational.min(a, b).eq(c <= 0 ? a : b)).toBe(true);
        expect(Rational.max(a, b).eq(c >= 0 ? a : b)).toBe(true);
      }),
      { numRuns: 300 }
    );
  });

  it("cmp matches double ordering on exact doubles and toNumber is monotone", () => {
    fc.assert(
      fc.property(finiteDouble, finiteDouble, (x, y) => {
        const expected = x < y ? -1 : x > y ? 1 : 0;
        expect(Rational.fromFloat(x).cmp(Rational.fromFloat(y))).toBe(expected);
      })
    );
    fc.assert(
      fc.property(rational, rational, (a, b) => {
        if (a.lt(b)) expect(a.toNumber() <= b.toNumber()).toBe(true);
        if (a.gt(b)) expect(a.toNumber() >= b.toNumber()).toBe(true);
      }),
      { numRuns: 300 }
    );
  });

  it("min and max take any number of arguments", () => {
    const values = ["3/4", "-2", "7", "0"].map((s) => Rational.parse(s));
    expect(Rational.min(values[0]!, ...values.slice(1)).toString()).toBe("-2");
    expect(Rational.max(values[0]!, ...values.slice(1)).toString()).toBe("7");
    expect(Rational.max(values[0]!).toString()).toBe("3/4");
  });

  it("floor and ceil bracket the value and match Math.floor/ceil on doubles", () => {
    fc.assert(
      fc.property(rational, (a) => {
        const f = Rational.fromBigInt(a.floor());
        const c = Rational.fromBigInt(a.ceil());
        expect(f.le(a) && a.lt(f.add(Rational.ONE))).toBe(true);
        expect(c.ge(a) && a.gt(c.sub(Rational.ONE))).toBe(true);
        expect(a.isInteger()).toBe(f.eq(c));
      }),
      { numRuns: 300 }
    );
    fc.assert(
      fc.property(finiteDouble, (x) => {
        const r = Rational.fromFloat(x);
        expect(r.floor()).toBe(BigInt(Math.floor(x)));
        expect(r.ceil()).toBe(BigInt(Math.ceil(x)));
      })
    );
  });
});

describe("Rational.fromFloat", () => {
  it("decodes 0.1 to its exact binary value", () => {
    const r = Rational.fromFloat(0.1);
    expect(r.num).toBe(3602879701896397n);
    expect(r.den).toBe(36028797018963968n);
  });

  it("is the exact value: an odd significand of <= 53 bits over a power of two that scales back to x", () => {
    fc.assert(
      fc.property(finiteDouble, (x) => {
        const r = Rational.fromFloat(x);
        expectNormalised(r);
        const k = log2Exact(r.den);
        expect(1n << BigInt(k)).toBe(r.den);
        expect(k).toBeLessThanOrEqual(1074);
        if (k > 0) {
          expect(r.num & 1n).toBe(1n);
          expect(bitLength(r.num < 0n ? -r.num : r.num)).toBeLessThanOrEqual(53);
          // num fits a double and num * 2^-k is representable, so this product is exact.
          expect(Number(r.num) * 2 ** -k).toBe(x === 0 ? 0 : x);
        } else {
          expect(Number(r.num)).toBe(x === 0 ? 0 : x);
        }
      }),
      { numRuns: 2000 }
    );
  });

  it("handles signed zeros, subnormals and the extremes", () => {
    expect(Rational.fromFloat(-0).eq(Rational.ZERO)).toBe(true);
    expect(Object.is(Rational.fromFloat(-0).toNumber(), 0)).toBe(true);
    expect(Rational.fromFloat(Number.MIN_VALUE).toString()).toBe(`1/${2n ** 1074n}`);
    expect(Rational.fromFloat(-3 * Number.MIN_VALUE).toString()).toBe(`-3/${2n ** 1074n}`);
    expect(Rational.fromFloat(2 ** -1022).toString()).toBe(`1/${2n ** 1022n}`);
    expect(Rational.fromFloat(Number.MAX_VALUE).num).toBe(2n ** 1024n - 2n ** 971n);
    expect(Rational.fromFloat(2 ** 60).num).toBe(2n ** 60n);
    expect(Rational.fromFloat(-1.5).toString()).toBe("-3/2");
  });

  it("refuses NaN and infinities with a clear UserError", () => {
    expect(() => Rational.fromFloat(NaN)).toThrow(UserError);
    expect(() => Rational.fromFloat(NaN)).toThrow(/NaN is not a finite number/);
    expect(() => Rational.fromFloat(Infinity)).toThrow(/Infinity is not a finite number/);
    expect(() => Rational.fromFloat(-Infinity)).toThrow(/-Infinity is not a finite number/);
  });

  it("round-trips every finite double through toNumber", () => {
    fc.assert(
      fc.property(finiteDouble, (x) => {
        expect(Rational.fromFloat(x).toNumber()).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 3000 }
    );
  });
});

describe("Rational.toNumber rounding", () => {
  it("matches one IEEE division where numerator and denominator are exact doubles", () => {
    const exactInt = fc.oneof(fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }), fc.bigInt({ min: -1000n, max: 1000n }));
    const exactDen = fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 53n }), fc.bigInt({ min: 1n, max: 1000n }));
    fc.assert(
      fc.property(exactInt, exactDen, (p, q) => {
        expect(roundRatioToDouble(p, q)).toBe(Number(p) / Number(q));
      }),
      { numRuns: 3000 }
    );
  });

  it("rounds halfway integers and subnormals to even", () => {
    const two53 = 2n ** 53n;
    expect(Rational.fromBigInt(two53 + 1n).toNumber()).toBe(2 ** 53);
    expect(Rational.fromBigInt(two53 + 3n).toNumber()).toBe(2 ** 53 + 4);
    expect(Rational.fromBigInt(-(two53 + 1n)).toNumber()).toBe(-(2 ** 53));
    expect(Rational.fromBigInt(two53 + 1n).add(Rational.of(1n, 10n ** 30n)).toNumber()).toBe(2 ** 53 + 2);
    const halfTiny = Rational.of(1n, 2n ** 1075n);
    expect(Object.is(halfTiny.toNumber(), 0)).toBe(true);
    expect(Object.is(halfTiny.neg().toNumber(), -0)).toBe(true);
    expect(halfTiny.add(Rational.of(1n, 2n ** 2000n)).toNumber()).toBe(Number.MIN_VALUE);
    expect(Rational.of(3n, 2n ** 1075n).toNumber()).toBe(2 * Number.MIN_VALUE);
    expect(Rational.of(5n, 2n ** 1075n).toNumber()).toBe(2 * Number.MIN_VALUE);
    expect(Rational.of(1n, 10n ** 400n).toNumber()).toBe(0);
    expect(roundRatioToDouble(1n, 3n)).toBe(1 / 3);
    expect(Rational.of(10n ** 400n, 3n * 10n ** 400n + 1n).toNumber()).toBe(1 / 3);
  });

  it("overflows to Infinity exactly at the IEEE threshold", () => {
    const threshold = 2n ** 1024n - 2n ** 970n;
    expect(Rational.fromBigInt(threshold).toNumber()).toBe(Infinity);
    expect(Rational.fromBigInt(-threshold).toNumber()).toBe(-Infinity);
    expect(Rational.fromBigInt(threshold - 1n).toNumber()).toBe(Number.MAX_VALUE);
    expect(Rational.of(threshold * 3n - 1n, 3n).toNumber()).toBe(Number.MAX_VALUE);
    expect(Rational.fromBigInt(2n ** 5000n).toNumber()).toBe(Infinity);
    expect(Rational.of(10n ** 400n, 7n).toNumber()).toBe(Infinity);
  });

  it("rounds exact midpoints between neighbouring doubles to the even one, and off-midpoints to the nearer", () => {
    const positiveFinite = fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true });
    fc.assert(
      fc.property(positiveFinite, fc.boolean(), (x, negate) => {
        const lo = Rational.fromFloat(x);
        const y = nextUpNonNegative(x);
        const hi = asExtended(y);
        const mid = lo.add(hi).div(Rational.fromInt(2));
        const nudge = hi.sub(lo).div(Rational.fromBigInt(2n ** 40n));
        const even = isEvenDouble(x) ? x : y;
        const sign = negate ? -1 : 1;
        const s = (r: Rational): Rational => (negate ? r.neg() : r);
        expect(s(mid).toNumber()).toBe(sign * even);
        expect(s(mid.add(nudge)).toNumber()).toBe(sign * y);
        expect(s(mid.sub(nudge)).toNumber()).toBe(sign * x);
      }),
      { numRuns: 1000 }
    );
  });

  it("returns a nearest double for values across the whole range (definition check)", () => {
    fc.assert(
      fc.property(wideRational, (r) => {
        expectNearestPositive(r, r.toNumber());
        expect(r.neg().toNumber()).toBe(-r.toNumber());
      }),
      { numRuns: 400 }
    );
  });

  it("agrees with a 1300-digit decimal.js quotient parsed by Number", () => {
    // Dyadic values are exact at this precision; others are far further from a midpoint than the error.
    const D = Decimal.clone({ precision: 1300, minE: -9e15, maxE: 9e15 });
    fc.assert(
      fc.property(wideRational, (r) => {
        const oracle = Number(new D(r.num.toString()).div(new D(r.den.toString())).toString());
        expect(r.toNumber()).toBe(oracle);
      }),
      { numRuns: 300 }
    );
  });
});

describe("Rational.parse and string forms", () => {
  it("parses integers, fractions, decimals and exponents exactly", () => {
    const cases: [string, string][] = [
      ["3", "3"],
      ["-3/4", "-3/4"],
      ["+6/8", "3/4"],
      ["0.1", "1/10"],
      ["1e-3", "1/1000"],
      ["-2.5E+2", "-250"],
      [".5", "1/2"],
      ["5.", "5"],
      ["-0", "0"],
      ["007.250", "29/4"],
      ["  12  ", "12"],
      ["0/5", "0"],
      ["12345678901234567890123", "12345678901234567890123"]
    ];
    for (const [text, expected] of cases) expect(Rational.parse(text).toString()).toBe(expected);
  });

  it("rejects malformed text with a UserError naming the input", () => {
    for (const bad of ["", "-", ".", "1/0", "abc", "1.2.3", "1e", "--1", "1/ 2", "1/-2", "0x10", "Infinity", "NaN", "1.5/2", "e5"]) {
      expect(() => Rational.parse(bad), bad).toThrow(UserError);
    }
    expect(() => Rational.parse("1/0")).toThrow(/zero denominator/);
    expect(() => Rational.parse("abc")).toThrow(/"abc"/);
    expect(() => Rational.parse("1e999999999")).toThrow(/exponent/);
  });

  it("reads back its own toString and toJSON", () => {
    fc.assert(
      fc.property(rational, (r) => {
        expect(Rational.parse(r.toString()).eq(r)).toBe(true);
        expect(JSON.parse(JSON.stringify({ r })) as unknown).toEqual({ r: r.toString() });
      }),
      { numRuns: 300 }
    );
    expect(JSON.stringify([Rational.parse("-3/4"), Rational.fromInt(2)])).toBe('["-3/4","2"]');
  });

  it("parses JavaScript's shortest double strings to values that round back to the double", () => {
    fc.assert(
      fc.property(finiteDouble, (x) => {
        expect(Rational.parse(String(x)).toNumber()).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 1000 }
    );
  });

  it("matches decimal.js's exact fraction for random decimal literals", () => {
    const literal = fc
      .tuple(
        fc.constantFrom("", "-", "+"),
        fc.stringMatching(/^\d{1,25}$/),
        fc.option(fc.stringMatching(/^\d{0,25}$/)),
        fc.option(fc.integer({ min: -400, max: 400 }))
      )
      .map(([sign, int, frac, exp]) => `${sign}${int}${frac === null ? "" : `.${frac}`}${exp === null ? "" : `e${exp}`}`);
    const D = Decimal.clone({ precision: 2000, minE: -9e15, maxE: 9e15 });
    fc.assert(
      fc.property(literal, (text) => {
        const [n, d] = new D(text).toFraction();
        const r = Rational.parse(text);
        expect([r.num, r.den]).toEqual([BigInt(n!.toFixed()), BigInt(d!.toFixed())]);
      }),
      { numRuns: 300 }
    );
  });

  it("toDecimalString agrees with Number.prototype.toFixed on the exact value of doubles", () => {
    const moderate = fc.double({ min: -1e21, max: 1e21, noNaN: true }).filter((x) => Math.abs(x) < 1e21);
    fc.assert(
      fc.property(moderate, fc.integer({ min: 0, max: 100 }), (x, digits) => {
        expect(Rational.fromFloat(x).toDecimalString(digits)).toBe(x.toFixed(digits));
      }),
      { numRuns: 2000 }
    );
  });

  it("toDecimalString rounds ties away from zero and pads small values", () => {
    expect(Rational.parse("1/3").toDecimalString(5)).toBe("0.33333");
    expect(Rational.parse("2/3").toDecimalString(5)).toBe("0.66667");
    expect(Rational.parse("-1/8").toDecimalString(2)).toBe("-0.13");
    expect(Rational.parse("1/2").toDecimalString(0)).toBe("1");
    expect(Rational.parse("-1/2").toDecimalString(0)).toBe("-1");
    expect(Rational.parse("-1/1000").toDecimalString(2)).toBe("-0.00");
    expect(Rational.parse("7/1000").toDecimalString(4)).toBe("0.0070");
    expect(Rational.parse("-123").toDecimalString(2)).toBe("-123.00");
    expect(() => Rational.ONE.toDecimalString(-1)).toThrow(UserError);
    expect(() => Rational.ONE.toDecimalString(1.5)).toThrow(UserError);
  });
});
