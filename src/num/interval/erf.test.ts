import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ONE_OVER_SQRT_PI, ONE_OVER_SQRT_TWO_PI, TWO_OVER_SQRT_PI, erf, erfc, normalCdf } from "./erf.js";
import { interval, point, type Interval } from "./interval.js";
import { anyFinite, caseOf, doubleIn, expectEncloses, expectTight, near, pointCase } from "./arbitraries.testkit.js";
import * as O from "./oracle.testkit.js";

const args = fc.oneof(doubleIn(-3, 3), doubleIn(-8, 8), doubleIn(-40, 40), doubleIn(-30, -12), near(1, 1e-3), near(Math.SQRT2, 1e-3), doubleIn(-1e-300, 1e-300), anyFinite);

function checkEncloses(name: string, f: (x: Interval) => Interval, truth: (x: O.Dec) => O.Dec): void {
  fc.assert(
    fc.property(caseOf(args), (c) => {
      const y = f(c.x);
      for (const p of c.points) expectEncloses(y, truth(O.exact(p)), `${name}([${c.x.lo}, ${c.x.hi}]) at ${p}`);
    }),
    { numRuns: 200 },
  );
}

describe("the decimal oracle agrees with published values", () => {
  it("erf, erfc and Φ", () => {
    expect(O.erf(new O.D(1)).toPrecision(30)).toBe("0.842700792949714869341220635083");
    expect(O.erfc(new O.D(5)).toPrecision(25)).toBe("1.537459794428034850188343e-12");
    expect(O.normalCdf(new O.D(-1)).toPrecision(30)).toBe("0.158655253931457051414767454368");
    // Asymptotic branch (x > 12) against the Taylor branch at the switch point.
    const a = O.erfc(new O.D("12.000000001"));
    const b = O.erfc(new O.D("11.999999999"));
    expect(a.lt(b) && a.div(b).gt(0.99999)).toBe(true);
  });
});

describe("erf, erfc and the normal CDF enclose the true value", () => {
  it("erf", () => checkEncloses("erf", erf, O.erf));
  it("erfc", () => checkEncloses("erfc", erfc, O.erfc));
  it("normalCdf", () => checkEncloses("normalCdf", normalCdf, O.normalCdf));
  it("the constants 2/√π, 1/√π, 1/√(2π) are enclosed", () => {
    const pi = O.D.acos(-1);
    const check = (c: Interval, v: O.Dec): void => expect(O.exact(c.lo).lt(v) && v.lt(O.exact(c.hi))).toBe(true);
    check(TWO_OVER_SQRT_PI, new O.D(2).div(pi.sqrt()));
    check(ONE_OVER_SQRT_PI, new O.D(1).div(pi.sqrt()));
    check(ONE_OVER_SQRT_TWO_PI, new O.D(1).div(pi.times(2).sqrt()));
  });
  it("limits and symmetry", () => {
    expect(erf(interval(-Infinity, Infinity))).toEqual({ lo: -1, hi: 1 });
    expect(erfc(point(0))).toEqual({ lo: 1, hi: 1 });
    expect(normalCdf(point(0))).toEqual({ lo: 0.5, hi: 0.5 });
    const e = erf(point(0.7));
    expect(erf(point(-0.7))).toEqual({ lo: -e.hi, hi: -e.lo });
    expect(normalCdf(point(-37)).lo).toBeGreaterThan(0);
  });
});

describe("point enclosures are tight", () => {
  it("erf within 32 ulps; erfc and Φ within 32 ulps on their accurate side", () => {
    fc.assert(fc.property(pointCase(fc.oneof(doubleIn(-6, 6), doubleIn(-1e-5, 1e-5))), (c) => expectTight(erf(c.x), 32, `erf(${c.x.lo})`)), { numRuns: 500 });
    fc.assert(fc.property(pointCase(doubleIn(0, 26)), (c) => expectTight(erfc(c.x), 32, `erfc(${c.x.lo})`)), { numRuns: 500 });
    fc.assert(fc.property(pointCase(doubleIn(-37, 1)), (c) => expectTight(normalCdf(c.x), 32, `Φ(${c.x.lo})`)), { numRuns: 500 });
  });
});
