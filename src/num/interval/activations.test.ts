import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  GELU_CRITICAL, MISH_CRITICAL, SILU_CRITICAL, elu, gelu, leakyRelu, mish, relu, sigmoid, silu, softplus,
} from "./activations.js";
import { interval, point, type Interval } from "./interval.js";
import { anyFinite, caseOf, doubleIn, expectEncloses, expectTight, near, pointCase } from "./arbitraries.testkit.js";
import * as O from "./oracle.testkit.js";

type Kernel = (x: Interval) => Interval;

function checkEncloses(name: string, f: Kernel, truth: (x: O.Dec) => O.Dec, scalar: fc.Arbitrary<number>, numRuns = 300): void {
  fc.assert(
    fc.property(caseOf(scalar), (c) => {
      const y = f(c.x);
      for (const p of c.points) expectEncloses(y, truth(O.exact(p)), `${name}([${c.x.lo}, ${c.x.hi}]) at ${p}`);
    }),
    { numRuns },
  );
}

function checkTight(name: string, f: Kernel, scalar: fc.Arbitrary<number>, ulps: number): void {
  fc.assert(fc.property(pointCase(scalar), (c) => expectTight(f(c.x), ulps, `${name}(${c.x.lo})`)), { numRuns: 500 });
}

const tiny = doubleIn(-1e-300, 1e-300);
const general = fc.oneof(doubleIn(-40, 40), doubleIn(-800, 800), anyFinite, tiny, doubleIn(-1e-8, 1e-8));
const ZERO = new O.D(0);

describe("activations enclose the true value", () => {
  it("sigmoid", () => checkEncloses("sigmoid", sigmoid, O.sigmoid, general, 400));
  it("softplus", () => checkEncloses("softplus", softplus, O.softplus, general, 400));
  it("relu", () => checkEncloses("relu", relu, (x) => (x.isPositive() ? x : ZERO), general, 400));
  it("leakyRelu with positive and negative alpha", () => {
    for (const alpha of [0.01, 0.2, -0.5]) {
      const a = O.exact(alpha);
      checkEncloses(`leakyRelu(${alpha})`, (x) => leakyRelu(x, alpha), (x) => (x.isNegative() ? x.times(a) : x), general, 150);
    }
  });
  it("elu", () => {
    for (const alpha of [1, 0.3, -0.7]) {
      const a = O.exact(alpha);
      checkEncloses(`elu(${alpha})`, (x) => elu(x, alpha), (x) => (x.isNegative() ? O.expm1(x).times(a) : x), general, 150);
    }
  });
  const nearMin = (c: Interval): fc.Arbitrary<number> => near(c.lo, 0.3);
  it("silu, also around its minimum", () => checkEncloses("silu", silu, O.silu, fc.oneof(general, nearMin(SILU_CRITICAL))));
  it("gelu, also around its minimum", () => checkEncloses("gelu", gelu, O.gelu, fc.oneof(doubleIn(-40, 40), tiny, nearMin(GELU_CRITICAL), doubleIn(-3, 3)), 250));
  it("mish, also around its minimum", () => checkEncloses("mish", mish, O.mish, fc.oneof(general, nearMin(MISH_CRITICAL))));
});

describe("critical-point brackets", () => {
  const cases = [
    { name: "gelu", bracket: GELU_CRITICAL, d: O.geluDerivative, f: gelu },
    { name: "silu", bracket: SILU_CRITICAL, d: O.siluDerivative, f: silu },
    { name: "mish", bracket: MISH_CRITICAL, d: O.mishDerivative, f: mish },
  ];
  it("f' < 0 at the left end and f' > 0 at the right end of each bracket (40 digits)", () => {
    for (const c of cases) {
      expect(c.d(O.exact(c.bracket.lo)).isNegative(), c.name).toBe(true);
      expect(c.d(O.exact(c.bracket.hi)).isPositive(), c.name).toBe(true);
    }
  });
  it("f' has one sign change: negative left of the bracket, positive right of it (dense grid)", () => {
    for (const c of cases) {
      // mish has no closed-form argument for uniqueness, so its grid is the densest.
      const step = c.name === "mish" ? 0.04 : 0.5;
      for (let x = c.name === "mish" ? -15 : -8; x < 15; x += step) {
        const v = O.exact(x);
        if (x < c.bracket.lo) expect(c.d(v).isPositive(), `${c.name}' at ${x}`).toBe(false);
        if (x > c.bracket.hi) expect(c.d(v).isNegative(), `${c.name}' at ${x}`).toBe(false);
      }
    }
  });
  it("intervals containing the minimum get a lower bound within a few ulps of the true minimum", () => {
    for (const c of cases) {
      const y = c.f(interval(-3, 1));
      const m = c.f(point(c.bracket.lo));
      expect(y.lo).toBeLessThanOrEqual(m.lo);
      expect(m.lo - y.lo).toBeLessThan(1e-15);
    }
  });
});

describe("point enclosures are tight", () => {
  it("sigmoid within 16 ulps, softplus within 24 ulps", () => {
    checkTight("sigmoid", sigmoid, fc.oneof(doubleIn(-700, 40), tiny), 16);
    // exp then log1p, each widened by 4 ulps; a result straddling a power of two (softplus(-0.43) ≈ 0.5)
    // counts its lower half in ulps half as wide, so 17 ulps occur.
    checkTight("softplus", softplus, fc.oneof(doubleIn(-700, 700), tiny, doubleIn(-0.5, -0.4)), 24);
  });
  it("silu within 32 ulps, mish and gelu within 48 ulps (erf-based)", () => {
    checkTight("silu", silu, fc.oneof(doubleIn(-700, 700), near(SILU_CRITICAL.lo, 1e-6)), 32);
    checkTight("mish", mish, fc.oneof(doubleIn(-700, 700), near(MISH_CRITICAL.lo, 1e-6)), 48);
    checkTight("gelu", gelu, fc.oneof(doubleIn(-37, 37), near(GELU_CRITICAL.lo, 1e-6)), 48);
  });
});
