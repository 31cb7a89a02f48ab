/**
 * The Hungarian method against brute force over all n! permutations (n ≤ 7), plus the degenerate
 * cases alignment meets: empty and 1×1 matrices, all-equal scores, duplicated rows, huge magnitudes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignmentScore, maximizeAssignment } from "./hungarian.js";

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) out.push([...p.slice(0, k), n - 1, ...p.slice(k)]);
  return out;
}

function bruteMax(score: number[], n: number): number {
  let best = -Infinity;
  for (const p of permutations(n)) best = Math.max(best, assignmentScore(score, n, p));
  return best;
}

function isPermutation(p: readonly number[], n: number): boolean {
  return p.length === n && new Set(p).size === n && p.every((j) => Number.isInteger(j) && j >= 0 && j < n);
}

describe("maximizeAssignment", () => {
  it("reaches the brute-force optimum for every n ≤ 7 (real and small-integer scores)", () => {
    const matrix = fc.integer({ min: 1, max: 7 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.oneof(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: n * n, maxLength: n * n }),
        // Many ties: the optimum is unique in value, not in permutation.
        fc.array(fc.integer({ min: -2, max: 2 }), { minLength: n * n, maxLength: n * n })
      ))
    );
    fc.assert(
      fc.property(matrix, ([n, score]) => {
        const p = maximizeAssignment(score, n);
        expect(isPermutation(p, n)).toBe(true);
        const got = assignmentScore(score, n, p), want = bruteMax(score, n);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
      }),
      { numRuns: 300 }
    );
  });

  it("recovers a hidden permutation from a matrix that peaks on it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }).chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })), (perm) => {
        const n = perm.length;
        const score = new Float64Array(n * n).fill(0.5);
        perm.forEach((j, i) => (score[i * n + j] = 1));
        expect(maximizeAssignment(score, n)).toEqual(perm);
      })
    );
  });

  it("degenerate cases: empty, 1×1, all equal, equal rows, large magnitudes", () => {
    expect(maximizeAssignment([], 0)).toEqual([]);
    expect(maximizeAssignment([-3], 1)).toEqual([0]);
    const flat = maximizeAssignment(new Float64Array(25).fill(7), 5);
    expect(isPermutation(flat, 5)).toBe(true);
    // Two identical rows: either order is optimal, both columns used once.
    const twin = [1, 2, 3, 1, 2, 3, 0, 0, 10];
    const p = maximizeAssignment(twin, 3);
    expect(isPermutation(p, 3)).toBe(true);
    expect(assignmentScore(twin, 3, p)).toBe(bruteMax(twin, 3));
    const big = [1e300, -1e300, -1e300, 1e300];
    expect(maximizeAssignment(big, 2)).toEqual([0, 1]);
    expect(maximizeAssignment([0, 1, 1, 0], 2)).toEqual([1, 0]);
  });

  it("rejects a score matrix of the wrong size or with non-finite entries", () => {
    expect(() => maximizeAssignment([1, 2, 3], 2)).toThrow(/4|2×2/);
    expect(() => maximizeAssignment([1, NaN, 0, 1], 2)).toThrow(/NaN/);
  });
});
