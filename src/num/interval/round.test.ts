import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextDown, nextUp, stepDown, stepUp, ulpDistance } from "./round.js";
import { anyFinite } from "./arbitraries.testkit.js";

const MIN = Number.MIN_VALUE;
const MAX = Number.MAX_VALUE;
const MIN_NORMAL = 2 ** -1022;

describe("nextUp / nextDown special values", () => {
  it("step through zero, infinities and NaN as IEEE-754 nextUp/nextDown do", () => {
    expect(nextUp(0)).toBe(MIN);
    expect(nextUp(-0)).toBe(MIN);
    expect(nextDown(0)).toBe(-MIN);
    expect(nextDown(-0)).toBe(-MIN);
    expect(Object.is(nextUp(-MIN), -0)).toBe(true);
    expect(nextDown(MIN)).toBe(0);
    expect(nextUp(MAX)).toBe(Infinity);
    expect(nextDown(-MAX)).toBe(-Infinity);
    expect(nextUp(Infinity)).toBe(Infinity);
    expect(nextDown(-Infinity)).toBe(-Infinity);
    expect(nextUp(-Infinity)).toBe(-MAX);
    expect(nextDown(Infinity)).toBe(MAX);
    expect(Number.isNaN(nextUp(NaN))).toBe(true);
    expect(Number.isNaN(nextDown(NaN))).toBe(true);
  });

  it("matches the binade structure at 1 and at the normal/subnormal boundary", () => {
    expect(nextUp(1)).toBe(1 + 2 ** -52);
    expect(nextDown(1)).toBe(1 - 2 ** -53);
    expect(nextUp(MIN_NORMAL - MIN)).toBe(MIN_NORMAL);
    expect(nextDown(MIN_NORMAL)).toBe(MIN_NORMAL - MIN);
    expect(nextUp(MIN_NORMAL)).toBe(MIN_NORMAL + MIN);
  });
});

describe("nextUp / nextDown laws", () => {
  it("nextDown(nextUp(x)) === x and nextUp(nextDown(x)) === x for finite x", () => {
    fc.assert(
      fc.property(anyFinite, (x) => {
        expect(nextDown(nextUp(x)) === x).toBe(true);
        expect(nextUp(nextDown(x)) === x).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("nextUp(x) is x plus exactly one ulp: the gap is a power of two dividing x into [2^52, 2^53) steps", () => {
    fc.assert(
      fc.property(anyFinite, (x) => {
        const u = nextUp(x);
        expect(u > x).toBe(true);
        expect(nextDown(x) < x).toBe(true);
        if (u === Infinity) return;
        // Within one binade (or across a power of two upwards) the difference is exact.
        const gap = u - x;
        expect(gap === 2 ** Math.round(Math.log2(gap))).toBe(true);
        const ax = Math.abs(x);
        if (ax < MIN_NORMAL) {
          expect(gap).toBe(MIN);
        } else if (x > 0) {
          const steps = x / gap; // exact: gap is a power of two
          expect(steps >= 2 ** 52 && steps < 2 ** 53).toBe(true);
        } else {
          // Going up from a negative number shrinks its magnitude: the gap is the ulp of u.
          const steps = -u / gap;
          expect(steps >= 2 ** 52 - 1 && steps < 2 ** 53).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("nextDown lands on the largest double below x (checked by exact float midpoints)", () => {
    fc.assert(
      fc.property(anyFinite, (x) => {
        const d = nextDown(x);
        if (d === -Infinity) return;
        // The exact midpoint of two neighbours rounds (ties-to-even) onto one of them, never elsewhere.
        const m = d / 2 + x / 2;
        expect(m === d || m === x || Math.abs(x) < 2 ** -1020).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("stepUp / stepDown / ulpDistance", () => {
  it("k steps are k grid points, and ulpDistance counts them across zero", () => {
    fc.assert(
      fc.property(anyFinite, fc.integer({ min: 0, max: 20 }), (x, k) => {
        const up = stepUp(x, k);
        const down = stepDown(x, k);
        if (Number.isFinite(up)) expect(ulpDistance(x, up)).toBe(BigInt(k));
        if (Number.isFinite(down)) expect(ulpDistance(down, x)).toBe(BigInt(k));
      }),
      { numRuns: 500 },
    );
    expect(ulpDistance(-MIN, MIN)).toBe(2n);
    expect(ulpDistance(-0, 0)).toBe(0n);
    expect(ulpDistance(1, 2)).toBe(2n ** 52n);
  });
});
