import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cos, exp, expm1, log, log1p, powReal, sin, sqrt, tanh } from "./elementary.js";
import { interval, isNaNInterval, point, type Interval } from "./interval.js";
import { anyFinite, caseOf, doubleIn, expectEncloses, expectTight, near, pointCase } from "./arbitraries.testkit.js";
import * as O from "./oracle.testkit.js";
import { nextUp } from "./round.js";

type Kernel = (x: Interval) => Interval;

function checkEncloses(name: string, f: Kernel, truth: (x: O.Dec) => O.Dec, scalar: fc.Arbitrary<number>, numRuns = 400, allowInfinite: boolean | "upper" = true): void {
  fc.assert(
    fc.property(caseOf(scalar, allowInfinite), (c) => {
      const y = f(c.x);
      for (const p of c.points) expectEncloses(y, truth(O.exact(p)), `${name}([${c.x.lo}, ${c.x.hi}]) at ${p}`);
    }),
    { numRuns },
  );
}

function checkTight(name: string, f: Kernel, scalar: fc.Arbitrary<number>, ulps: number): void {
  fc.assert(
    fc.property(pointCase(scalar), (c) => {
      const y = f(c.x);
      if (Number.isFinite(y.lo) && Number.isFinite(y.hi)) expectTight(y, ulps, `${name}(${c.x.lo})`);
    }),
    { numRuns: 500 },
  );
}

const tiny = doubleIn(-1e-300, 1e-300);
const positive = fc.oneof(anyFinite.map(Math.abs), doubleIn(0, 10), near(1, 1e-3), doubleIn(0, 1e-300));
const expArgs = fc.oneof(anyFinite, doubleIn(-746, 710), near(709.78, 1), near(-745, 1), doubleIn(-1e-10, 1e-10), tiny);
const trigArgs = fc.oneof(doubleIn(-10, 10), doubleIn(-1e6, 1e6), near(Math.PI / 2, 1e-6), near(Math.PI, 1e-6), near(-3 * Math.PI / 2, 1e-3), tiny);

describe("monotone elementary functions enclose the true value", () => {
  it("exp (including overflow and underflow)", () => checkEncloses("exp", exp, O.exp, expArgs));
  it("expm1", () => checkEncloses("expm1", expm1, O.expm1, expArgs));
  it("log on x ≥ 0", () => checkEncloses("log", log, O.log, positive.filter((v) => v > 0), 300, "upper"));
  it("log1p on x ≥ -1", () => checkEncloses("log1p", log1p, O.log1p, fc.oneof(doubleIn(-1, 10), near(-1, 1e-6).filter((v) => v > -1), tiny, anyFinite.map(Math.abs)).filter((v) => v > -1), 400, "upper"));
  it("sqrt on x ≥ 0", () => checkEncloses("sqrt", sqrt, (x) => x.sqrt(), positive, 400, "upper"));
  it("tanh", () => checkEncloses("tanh", tanh, O.tanh, fc.oneof(anyFinite, doubleIn(-25, 25), tiny, doubleIn(-1e-5, 1e-5))));
  it("powReal for non-integer exponents on x ≥ 0", () => {
    const exponents = fc.oneof(fc.constantFrom(0.5, 1.5, -0.5, 1 / 3, -2.37, 0.1, 2.5), doubleIn(-4, 4));
    fc.assert(
      fc.property(caseOf(fc.oneof(doubleIn(0, 100), positive, near(1, 1e-6)), "upper"), exponents, (c, p) => {
        const y = powReal(c.x, p);
        for (const v of c.points) {
          if (v === 0) continue;
          expectEncloses(y, O.exact(v).pow(O.exact(p)), `powReal([${c.x.lo}, ${c.x.hi}], ${p}) at ${v}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("sin and cos enclose the true value, also on wide intervals and around peaks", () => {
  it("sin", () => checkEncloses("sin", sin, (x) => x.sin(), trigArgs, 120));
  it("cos", () => checkEncloses("cos", cos, (x) => x.cos(), trigArgs, 120));
  it("sin and cos at huge arguments (argument reduction)", () => {
    for (const v of [1e22, -3.7e19, 2 ** 60, 1e300, -Number.MAX_VALUE]) {
      expectEncloses(sin(point(v)), O.exact(v).sin(), `sin(${v})`);
      expectEncloses(cos(point(v)), O.exact(v).cos(), `cos(${v})`);
      expectEncloses(sin(interval(v, v + Math.abs(v) * 1e-15)), O.exact(v).sin(), `sin near ${v}`);
    }
  });
  it("detects interior peaks exactly and leaves monotone stretches tight", () => {
    expect(sin(interval(1, 2)).hi).toBe(1);
    expect(sin(interval(0, 1)).hi).toBeLessThan(0.85);
    expect(cos(interval(3, 3.3)).lo).toBe(-1);
    expect(cos(interval(0.1, 3)).hi).toBeLessThan(1);
    expect(sin(interval(-2, -1)).lo).toBe(-1);
    expect(sin(interval(0, 7))).toEqual({ lo: -1, hi: 1 });
    expect(cos(interval(-Infinity, 0))).toEqual({ lo: -1, hi: 1 });
    expect(sin(point(0))).toEqual({ lo: 0, hi: 0 });
    expect(cos(point(0))).toEqual({ lo: 1, hi: 1 });
    // Math.PI/2 is below π/2, so sin there is just below 1 and the enclosure must reach 1.
    expect(sin(point(Math.PI / 2)).hi).toBe(1);
  });
  it("π is enclosed by [Math.PI, nextUp(Math.PI)]", () => {
    const pi = O.D.acos(-1);
    expect(O.exact(Math.PI).lt(pi)).toBe(true);
    expect(O.exact(nextUp(Math.PI)).gt(pi)).toBe(true);
  });
});

describe("point enclosures are tight", () => {
  it("exp, expm1, log, log1p, sin, cos within 8 ulps (2 × LIBM_ULPS)", () => {
    checkTight("exp", exp, doubleIn(-700, 700), 8);
    checkTight("expm1", expm1, fc.oneof(doubleIn(-40, 700), tiny), 8);
    checkTight("log", log, positive.filter((v) => v > 0), 8);
    checkTight("log1p", log1p, doubleIn(-0.999, 1e10), 8);
    checkTight("sin", sin, doubleIn(-1e6, 1e6), 8);
    checkTight("cos", cos, doubleIn(-1e6, 1e6), 8);
  });
  it("sqrt within 1 ulp, tanh (derived from expm1) within 24 ulps, powReal within 8 ulps", () => {
    checkTight("sqrt", sqrt, positive, 1);
    checkTight("tanh", tanh, fc.oneof(doubleIn(-30, 30), tiny, anyFinite), 24);
    checkTight("powReal", (x) => powReal(x, 0.37), doubleIn(1e-300, 1e300), 8);
  });
});

describe("domain policy", () => {
  it("strict: any member outside the domain gives the NaN interval; clip: restrict first", () => {
    expect(isNaNInterval(log(interval(-1, 2)))).toBe(true);
    const clipped = log(interval(-1, 2), "clip");
    expect(clipped.lo).toBe(-Infinity);
    expect(clipped.hi).toBeGreaterThan(Math.LN2);
    expect(isNaNInterval(log(interval(-2, -1), "clip"))).toBe(true);
    expect(isNaNInterval(log(point(0)))).toBe(true);
    expect(log(interval(0, 1))).toEqual({ lo: -Infinity, hi: 0 });
    expect(log1p(interval(-1, 0))).toEqual({ lo: -Infinity, hi: 0 });
    expect(isNaNInterval(sqrt(interval(-1, 4)))).toBe(true);
    expect(sqrt(interval(-1, 4), "clip")).toEqual({ lo: 0, hi: 2 });
    expect(powReal(interval(-1, 4), 0.5, "clip").lo).toBe(0);
    expect(isNaNInterval(powReal(interval(-1, 4), 0.5))).toBe(true);
    expect(powReal(interval(0, 4), -0.5).hi).toBe(Infinity);
    expect(powReal(interval(-2, 3), 2)).toEqual({ lo: 0, hi: 9 });
  });
  it("sign and range facts survive widening", () => {
    expect(exp(interval(-Infinity, -800)).lo).toBe(0);
    expect(expm1(point(1e-320)).lo).toBeGreaterThanOrEqual(0);
    expect(tanh(point(5e-324)).lo).toBeGreaterThanOrEqual(0);
    expect(tanh(point(1e300)).hi).toBe(1);
    expect(log(point(1))).toEqual({ lo: 0, hi: 0 });
    expect(log(interval(1, 2)).lo).toBe(0);
    expect(exp(interval(710, 720)).hi).toBe(Infinity);
  });
});
