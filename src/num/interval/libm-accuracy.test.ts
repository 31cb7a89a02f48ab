import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LIBM_ULPS } from "./libm.js";
import { stepDown, stepUp } from "./round.js";
import { anyFinite, doubleIn } from "./arbitraries.testkit.js";
import * as O from "./oracle.testkit.js";

/**
 * The margin in libm.ts assumes the engine's Math functions err by less than LIBM_ULPS/2 ulps.
 * This measures it: every sampled result, moved LIBM_ULPS/2 steps either way, must bracket the
 * 40-digit true value. Failing here means the engine's library is worse than assumed and
 * LIBM_ULPS must grow before any enclosure can be trusted.
 */
const HALF = LIBM_ULPS / 2;

function measure(name: string, f: (x: number) => number, truth: (x: O.Dec) => O.Dec, args: fc.Arbitrary<number>, numRuns = 400): void {
  fc.assert(
    fc.property(args, (x) => {
      const v = f(x);
      if (!Number.isFinite(v)) return;
      const t = truth(O.exact(x));
      const ok = O.exact(stepDown(v, HALF)).lte(t) && t.lte(O.exact(stepUp(v, HALF)));
      expect(ok, `${name}(${x}) = ${v}, true ${t.toPrecision(25)}`).toBe(true);
    }),
    { numRuns },
  );
}

describe(`Math.* errs by at most LIBM_ULPS/2 = ${HALF} ulps`, () => {
  it("exp, expm1", () => {
    measure("exp", Math.exp, O.exp, fc.oneof(doubleIn(-745, 709.7), doubleIn(-1, 1)));
    measure("expm1", Math.expm1, O.expm1, fc.oneof(doubleIn(-40, 709.7), doubleIn(-1e-3, 1e-3), doubleIn(-1e-300, 1e-300)));
  });
  it("log, log1p", () => {
    measure("log", Math.log, O.log, fc.oneof(anyFinite.map(Math.abs).filter((v) => v > 0), doubleIn(0.5, 2)));
    measure("log1p", Math.log1p, O.log1p, fc.oneof(doubleIn(-0.9999, 10), doubleIn(-1e-3, 1e-3), anyFinite.map(Math.abs)));
  });
  it("sin, cos", () => {
    measure("sin", Math.sin, (x) => x.sin(), fc.oneof(doubleIn(-10, 10), doubleIn(-1e4, 1e4)), 200);
    measure("cos", Math.cos, (x) => x.cos(), fc.oneof(doubleIn(-10, 10), doubleIn(-1e4, 1e4)), 200);
  });
  it("pow", () => {
    fc.assert(
      fc.property(doubleIn(1e-20, 1e20), doubleIn(-8, 8), (x, p) => {
        const v = Math.pow(x, p);
        if (!Number.isFinite(v) || v === 0) return;
        const t = O.exact(x).pow(O.exact(p));
        expect(O.exact(stepDown(v, HALF)).lte(t) && t.lte(O.exact(stepUp(v, HALF))), `pow(${x}, ${p})`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
