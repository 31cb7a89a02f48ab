/**
 * Test-only generators of intervals with member points, and the containment/tightness checks
 * shared by the enclosure tests. Not imported by production code.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { type Interval, interval, isNaNInterval } from "./interval.js";
import { exact, type Dec } from "./oracle.testkit.js";
import { ulpDistance } from "./round.js";

export function doubleIn(min: number, max: number): fc.Arbitrary<number> {
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Any finite double: fast-check spreads these over the bit patterns, so huge, tiny and subnormal all appear. */
export const anyFinite: fc.Arbitrary<number> = fc.double({ noNaN: true, noDefaultInfinity: true });

/** Doubles near c: within r, and within a few ulps-scale distances too. */
export function near(c: number, r: number): fc.Arbitrary<number> {
  return fc.oneof(doubleIn(c - r, c + r), doubleIn(c - r * 1e-9, c + r * 1e-9));
}

export interface Case {
  readonly x: Interval;
  /** Finite members of x to check (an interior point and an endpoint). */
  readonly points: readonly number[];
}

/**
 * An interval from two draws of `scalar`, sometimes with an infinite end when `allowInfinite`,
 * and two member points: one endpoint and one point strictly inside when the interval has one.
 */
export function caseOf(scalar: fc.Arbitrary<number>, allowInfinite: boolean | "upper" = true): fc.Arbitrary<Case> {
  const infinity =
    allowInfinite === "upper" ? fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 2)
    : allowInfinite ? fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 1, 2)
    : fc.constant(0);
  return fc
    .tuple(scalar, scalar, doubleIn(0, 1), scalar, infinity, fc.boolean())
    .map(([a, b, u, c, inf, pickLo]) => {
      let lo = Math.min(a, b);
      let hi = Math.max(a, b);
      let inside = lo + (hi - lo) * u;
      if (!(inside >= lo && inside <= hi)) inside = Math.min(hi, Math.max(lo, c));
      const endpoint = pickLo ? lo : hi;
      if (inf === 1) lo = -Infinity;
      if (inf === 2) hi = Infinity;
      return { x: interval(lo, hi), points: [inside, endpoint] };
    });
}

/** A degenerate interval at a point of `scalar`. */
export function pointCase(scalar: fc.Arbitrary<number>): fc.Arbitrary<Case> {
  return scalar.map((v) => ({ x: interval(v, v), points: [v] }));
}

/**
 * Oracle values are accurate to about 38 significant digits, not exact. Bounds that are exact
 * mathematical facts (expm1(x) ≥ x, log1p(x) ≤ x, tanh(x) ≤ x) can sit closer than that to the
 * truth, so the comparison allows this relative slack — 10^21 times smaller than an ulp.
 */
const ORACLE_SLACK = "1e-36";

/** Asserts lo ≤ v ≤ hi comparing exact decimal values of the bounds with the oracle value. */
export function expectEncloses(f: Interval, v: Dec, what: string): void {
  if (isNaNInterval(f)) throw new Error(`${what}: got the NaN interval, expected an enclosure of ${v.toString()}`);
  if (!v.isFinite()) {
    // The oracle overflowed: the truth is a finite number beyond its range, so only an infinite bound covers it.
    const covered = v.isPositive() ? f.hi === Infinity : f.lo === -Infinity;
    if (!covered) throw new Error(`${what}: [${f.lo}, ${f.hi}] cannot contain a value beyond ${v.toString()}`);
    return;
  }
  const slack = v.abs().times(ORACLE_SLACK);
  const ok = exact(f.lo).lte(v.plus(slack)) && v.minus(slack).lte(exact(f.hi));
  if (!ok) throw new Error(`${what}: [${f.lo}, ${f.hi}] does not contain ${v.toPrecision(25)}`);
}

/** Width of a bounded interval in grid steps. */
export function ulpWidth(f: Interval): number {
  return Number(ulpDistance(f.lo, f.hi));
}

/** Asserts f is a bounded interval at most `ulps` grid steps wide. */
export function expectTight(f: Interval, ulps: number, what: string): void {
  expect(isNaNInterval(f), `${what}: NaN interval`).toBe(false);
  const w = ulpWidth(f);
  if (!(w <= ulps)) throw new Error(`${what}: [${f.lo}, ${f.hi}] is ${w} ulps wide, budget ${ulps}`);
}
