import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { hutchinsonTrace, hutchPlusPlus } from "./hutchinson.js";
import { denseMatVec } from "./operator.js";
import type { MatVec } from "./operator.js";
import { matrixWithSpectrum, randomSymmetric, traceOf } from "./matrices.testkit.js";

/** Exact standard deviation of one Rademacher sample zᵀAz: √(2 Σ_{i≠j} a_ij²). */
function rademacherSampleSd(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += a[i * n + j]! ** 2;
  return Math.sqrt(2 * s);
}

function shiftedRandom(n: number, seed: number, shift: number): Float64Array {
  const a = randomSymmetric(n, seed);
  for (let i = 0; i < n; i++) a[i * n + i]! += shift;
  return a;
}

describe("hutchinsonTrace", () => {
  it("lands within 4 standard errors of the exact trace, with the theoretical standard error", async () => {
    const n = 100;
    const a = shiftedRandom(n, 21, 0.7);
    const exact = traceOf(a, n);
    const r = await hutchinsonTrace(denseMatVec(a, n), n, { probes: 400, seed: 5 });
    expect(r.probes).toBe(400);
    expect(r.matvecs).toBe(400);
    expect(Math.abs(r.trace - exact)).toBeLessThanOrEqual(4 * r.standardError);
    const theoretical = rademacherSampleSd(a, n) / Math.sqrt(400);
    expect(r.standardError / theoretical).toBeGreaterThan(0.75);
    expect(r.standardError / theoretical).toBeLessThan(1.25);
  });

  it("shrinks its standard error like 1/√probes", async () => {
    const n = 60;
    const a = shiftedRandom(n, 4, -1);
    const few = await hutchinsonTrace(denseMatVec(a, n), n, { probes: 25, seed: 1 });
    const many = await hutchinsonTrace(denseMatVec(a, n), n, { probes: 400, seed: 1 });
    // Expected ratio √(25/400) = 0.25.
    expect(many.standardError / few.standardError).toBeGreaterThan(0.15);
    expect(many.standardError / few.standardError).toBeLessThan(0.4);
    expect(Math.abs(many.trace - traceOf(a, n))).toBeLessThanOrEqual(4 * many.standardError);
  });

  it("is exact, with zero standard error, on diagonal matrices (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.integer(),
        fc.integer({ min: 2, max: 6 }),
        async (diag, seed, probes) => {
          const matvec: MatVec = (v) => v.map((x, i) => diag[i]! * x);
          const r = await hutchinsonTrace(matvec, diag.length, { probes, seed });
          const exact = diag.reduce((s, x) => s + x, 0);
          const scale = diag.reduce((s, x) => s + Math.abs(x), 0);
          expect(Math.abs(r.trace - exact)).toBeLessThanOrEqual(1e-12 * scale);
          expect(r.standardError).toBe(0);
        }
      ),
      { numRuns: 100 }
    );
  });

  it("gives bitwise identical results for the same seed and different ones for another", async () => {
    const n = 40;
    const m = denseMatVec(randomSymmetric(n, 2), n);
    const a = await hutchinsonTrace(m, n, { probes: 10, seed: 99 });
    const b = await hutchinsonTrace(m, n, { probes: 10, seed: 99 });
    const c = await hutchinsonTrace(m, n, { probes: 10, seed: 100 });
    expect(Object.is(a.trace, b.trace) && Object.is(a.standardError, b.standardError)).toBe(true);
    expect(c.trace).not.toBe(a.trace);
  });

  it("reports NaN standard error for a single probe and rejects bad options", async () => {
    const m = denseMatVec(randomSymmetric(5, 1), 5);
    expect((await hutchinsonTrace(m, 5, { probes: 1 })).standardError).toBeNaN();
    await expect(hutchinsonTrace(m, 5, { probes: 0 })).rejects.toThrow(/probes must be a positive integer/);
    await expect(hutchinsonTrace(m, 5, { probes: 2.5 })).rejects.toThrow(/probes/);
    await expect(hutchinsonTrace(m, -1, { probes: 2 })).rejects.toThrow(/dimension n/);
    await expect(hutchinsonTrace(m, 5, { probes: 2, seed: NaN })).rejects.toThrow(/seed/);
  });
});

describe("hutchPlusPlus", () => {
  it("is exact for a low-rank matrix whose rank fits the sketch", async () => {
    const n = 100;
    const spectrum = new Array<number>(n).fill(0);
    spectrum.splice(0, 5, 9, 4, 2.5, -3, 0.5);
    const a = matrixWithSpectrum(spectrum, 3);
    const r = await hutchPlusPlus(denseMatVec(a, n), n, { matvecs: 30, seed: 8 });
    expect(r.sketchRank).toBe(5);
    expect(r.matvecs).toBe(30);
    expect(r.probes).toBe(30 - 10 - 5);
    expect(Math.abs(r.trace - 13)).toBeLessThan(1e-10);
    expect(r.standardError).toBeLessThan(1e-10);
  });

  it("beats plain Hutchinson at equal budget on a decaying spectrum, within 4 standard errors", async () => {
    const n = 200;
    const spectrum = Array.from({ length: n }, (_, i) => ((i % 3 === 0 ? -1 : 1) * 50) / (i + 1) ** 1.5);
    const a = matrixWithSpectrum(spectrum, 17);
    const exact = spectrum.reduce((s, x) => s + x, 0);
    const matvec = denseMatVec(a, n);
    const pp = await hutchPlusPlus(matvec, n, { matvecs: 90, seed: 2 });
    const plain = await hutchinsonTrace(matvec, n, { probes: 90, seed: 2 });
    expect(pp.matvecs).toBe(90);
    expect(pp.sketchRank).toBe(30);
    expect(Math.abs(pp.trace - exact)).toBeLessThanOrEqual(4 * pp.standardError);
    expect(pp.standardError).toBeLessThan(plain.standardError / 3);
  });

  it("computes the trace exactly when the sketch spans the whole space", async () => {
    const n = 6;
    const a = randomSymmetric(n, 31);
    const r = await hutchPlusPlus(denseMatVec(a, n), n, { matvecs: 20, seed: 0 });
    expect(r.sketchRank).toBe(n);
    expect(r.probes).toBe(0);
    expect(r.standardError).toBe(0);
    expect(r.matvecs).toBe(2 * n);
    expect(Math.abs(r.trace - traceOf(a, n))).toBeLessThan(1e-12);
  });

  it("is bitwise reproducible and rejects budgets below 3", async () => {
    const n = 50;
    const m = denseMatVec(randomSymmetric(n, 6), n);
    const a = await hutchPlusPlus(m, n, { matvecs: 21, seed: 4 });
    const b = await hutchPlusPlus(m, n, { matvecs: 21, seed: 4 });
    expect(b).toEqual(a);
    expect(Object.is(a.trace, b.trace)).toBe(true);
    await expect(hutchPlusPlus(m, n, { matvecs: 2 })).rejects.toThrow(/at least 3/);
  });
});
