import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { lanczos } from "./lanczos.js";
import type { LanczosResult } from "./lanczos.js";
import { denseMatVec } from "./operator.js";
import type { MatVec } from "./operator.js";
import { symmetricEigen } from "./symmetric-eigen.js";
import { matrixWithSpectrum, randomSymmetric } from "./matrices.testkit.js";
import { createRng } from "../../util/random.js";
import { UserError } from "../../util/errors.js";

function counting(matvec: MatVec): { matvec: MatVec; calls: () => number } {
  let calls = 0;
  return {
    matvec: (v) => {
      calls++;
      return matvec(v);
    },
    calls: () => calls
  };
}

function expectRelativelyClose(got: number, want: number, rel: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want));
}

/** 200 eigenvalues spread over [−30, 60] on a log-ish scale, with a few well separated extremes. */
function spreadSpectrum(seed: number): number[] {
  const rng = createRng(seed);
  const values: number[] = [];
  for (let i = 0; i < 190; i++) values.push((rng.next() < 0.3 ? -1 : 1) * Math.exp(4 * rng.next() - 3));
  values.push(60, 45, 33, 27, 22, -30, -21, -16, -12, -9);
  return values.sort((a, b) => a - b);
}

describe("lanczos", () => {
  it("matches the dense eigenvalues at both ends of a random 200×200 GOE matrix", async () => {
    const n = 200;
    const a = randomSymmetric(n, 42);
    const dense = symmetricEigen(a, n).values;
    const counter = counting(denseMatVec(a, n));
    const r = await lanczos(counter.matvec, n, { k: 4, which: "both", tol: 1e-10, maxIter: 180, seed: 1 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThan(n);
    for (let i = 0; i < 4; i++) {
      expectRelativelyClose(r.top![i]!.value, dense[n - 1 - i]!, 1e-8);
      expectRelativelyClose(r.bottom![i]!.value, dense[i]!, 1e-8);
    }
    // Each distinct returned pair costs one residual matvec on top of the Krylov steps.
    expect(r.matvecs).toBe(r.iterations + 8);
    expect(counter.calls()).toBe(r.matvecs);
  });

  it("matches dense eigenvalues and eigenvectors for a spread spectrum with negative values", async () => {
    const spectrum = spreadSpectrum(3);
    const n = spectrum.length;
    const a = matrixWithSpectrum(spectrum, 11);
    const { values, vectors } = symmetricEigen(a, n);
    const r = await lanczos(denseMatVec(a, n), n, { k: 5, which: "largest", seed: 2 });
    expect(r.converged).toBe(true);
    expect(r.bottom).toBeUndefined();
    for (let i = 0; i < 5; i++) {
      const pair = r.top![i]!;
      expectRelativelyClose(pair.value, values[n - 1 - i]!, 1e-8);
      expectRelativelyClose(pair.value, spectrum[n - 1 - i]!, 1e-8);
      // Unit vector aligned with the dense eigenvector (|cos| = 1), small true residual.
      let dot = 0;
      let nrm = 0;
      for (let j = 0; j < n; j++) {
        dot += pair.vector[j]! * vectors![j * n + (n - 1 - i)]!;
        nrm += pair.vector[j]! ** 2;
      }
      expect(Math.abs(nrm - 1)).toBeLessThan(1e-12);
      expect(1 - Math.abs(dot)).toBeLessThan(1e-10);
      expect(pair.residual).toBeLessThan(1e-6 * Math.abs(pair.value));
    }
    for (let i = 1; i < 5; i++) expect(r.top![i]!.value).toBeLessThan(r.top![i - 1]!.value);
  });

  it('finds the most negative eigenvalues, ascending, with which: "smallest"', async () => {
    const spectrum = spreadSpectrum(5);
    const n = spectrum.length;
    const a = matrixWithSpectrum(spectrum, 12);
    const r = await lanczos(denseMatVec(a, n), n, { k: 3, which: "smallest", seed: 9 });
    expect(r.converged).toBe(true);
    expect(r.top).toBeUndefined();
    expect(r.bottom!.map((p) => p.value)).toHaveLength(3);
    for (let i = 0; i < 3; i++) expectRelativelyClose(r.bottom![i]!.value, spectrum[i]!, 1e-8);
    expect(r.bottom![0]!.value).toBeCloseTo(-30, 6);
  });

  it("is bitwise reproducible for a seed, and seed-independent in its answer", async () => {
    const n = 80;
    const a = randomSymmetric(n, 8);
    const run = (seed: number): Promise<LanczosResult> =>
      lanczos(denseMatVec(a, n), n, { k: 2, which: "both", seed, maxIter: 80 });
    const [first, again, other] = await Promise.all([run(123), run(123), run(456)]);
    expect(again).toEqual(first);
    for (let i = 0; i < 2; i++) {
      expect(Object.is(again.top![i]!.value, first.top![i]!.value)).toBe(true);
      expect(other.top![i]!.value).toBeCloseTo(first.top![i]!.value, 8);
      expect(other.bottom![i]!.value).toBeCloseTo(first.bottom![i]!.value, 8);
    }
  });

  it("reports true residuals ‖Ay − θy‖ consistent with its Ritz values (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 40 }), fc.integer(), fc.integer({ min: 1, max: 3 }), async (n, seed, kRaw) => {
        const k = Math.min(kRaw, n);
        const a = randomSymmetric(n, seed);
        const dense = symmetricEigen(a, n, { wantVectors: false }).values;
        const r = await lanczos(denseMatVec(a, n), n, { k, which: "both", seed, maxIter: n });
        expect(r.converged).toBe(true);
        const scale = Math.max(1, Math.abs(dense[0]!), Math.abs(dense[n - 1]!));
        for (let i = 0; i < k; i++) {
          expect(Math.abs(r.top![i]!.value - dense[n - 1 - i]!)).toBeLessThan(1e-8 * scale);
          expect(Math.abs(r.bottom![i]!.value - dense[i]!)).toBeLessThan(1e-8 * scale);
          const y = r.top![i]!.vector;
          const ay = denseMatVec(a, n)(y) as Float64Array;
          let res = 0;
          for (let j = 0; j < n; j++) res += (ay[j]! - r.top![i]!.value * y[j]!) ** 2;
          expect(Math.abs(Math.sqrt(res) - r.top![i]!.residual)).toBeLessThan(1e-12 * scale);
        }
      }),
      { numRuns: 60 }
    );
  });

  it("recovers repeated eigenvalues through restarts after an invariant subspace", async () => {
    // diag(5, 5, 5, 1, 0, …, 0): the first Krylov block closes after 3 steps with {5, 1, 0}.
    const n = 40;
    const diag = new Float64Array(n);
    diag.set([5, 5, 5, 1]);
    const matvec: MatVec = (v) => v.map((x, i) => diag[i]! * x);
    const r = await lanczos(matvec, n, { k: 3, seed: 4 });
    expect(r.converged).toBe(true);
    expect(r.restarts).toBeGreaterThanOrEqual(2);
    for (const pair of r.top!) {
      expect(pair.value).toBeCloseTo(5, 12);
      expect(pair.residual).toBeLessThan(1e-12);
    }
    // The three vectors span the 5-eigenspace: orthonormal and supported on coordinates 0..2.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let g = 0;
        for (let t = 0; t < n; t++) g += r.top![i]!.vector[t]! * r.top![j]!.vector[t]!;
        expect(g).toBeCloseTo(i === j ? 1 : 0, 10);
      }
      for (let t = 3; t < n; t++) expect(Math.abs(r.top![i]!.vector[t]!)).toBeLessThan(1e-10);
    }
  });

  it("stops after one block when multiplicity cannot matter, and handles a multiple of I", async () => {
    const n = 30;
    const twice: MatVec = (v) => v.map((x) => 2 * x);
    const one = await lanczos(twice, n, { k: 1, seed: 0 });
    expect(one.iterations).toBe(1);
    expect(one.top![0]!.value).toBeCloseTo(2, 14);
    const three = await lanczos(twice, n, { k: 3, which: "both", seed: 0 });
    expect(three.iterations).toBe(3);
    expect(three.top!.map((p) => p.value)).toEqual(three.bottom!.map((p) => p.value));
    for (const p of three.top!) expect(p.value).toBeCloseTo(2, 14);
  });

  it("spans the whole space when n is tiny and k = n", async () => {
    const a = Float64Array.from([0, 2, 2, 0]);
    const r = await lanczos(denseMatVec(a, 2), 2, { k: 2, which: "both", seed: 3 });
    expect(r.top!.map((p) => p.value)).toEqual([expect.closeTo(2, 14), expect.closeTo(-2, 14)]);
    expect(r.bottom!.map((p) => p.value)).toEqual([expect.closeTo(-2, 14), expect.closeTo(2, 14)]);
    expect(r.iterations).toBe(2);
    // Two distinct Ritz pairs, shared between top and bottom: 2 + 2 matvecs.
    expect(r.matvecs).toBe(4);
  });

  it("reports non-convergence when maxIter is too small", async () => {
    const n = 200;
    const a = randomSymmetric(n, 77);
    const r = await lanczos(denseMatVec(a, n), n, { k: 1, maxIter: 10, tol: 1e-12, seed: 0 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(10);
    expect(r.top![0]!.residual).toBeGreaterThan(1e-6);
  });

  it("accepts an async matvec and does not let it corrupt the basis by mutating its input", async () => {
    const n = 50;
    const a = randomSymmetric(n, 5);
    const plain = denseMatVec(a, n);
    const hostile: MatVec = async (v) => {
      const out = plain(v) as Float64Array;
      v.fill(NaN);
      return out;
    };
    const r1 = await lanczos(hostile, n, { k: 2, which: "both", seed: 6, maxIter: n });
    const r2 = await lanczos(plain, n, { k: 2, which: "both", seed: 6, maxIter: n });
    expect(r1).toEqual(r2);
  });

  it("rejects bad options and bad matvec outputs with UserError", async () => {
    const m = denseMatVec(new Float64Array(9), 3);
    await expect(lanczos(m, 3, { k: 4 })).rejects.toThrow(/k = 4 exceeds the dimension n = 3/);
    await expect(lanczos(m, 3, { k: 0 })).rejects.toThrow(/k must be a positive integer/);
    await expect(lanczos(m, 0, { k: 1 })).rejects.toThrow(/dimension n/);
    await expect(lanczos(m, 3, { k: 2, maxIter: 1 })).rejects.toThrow(/maxIter = 1 is smaller than k = 2/);
    await expect(lanczos(m, 3, { k: 1, tol: -1 })).rejects.toThrow(UserError);
    await expect(lanczos(() => new Float64Array(2), 3, { k: 1 })).rejects.toThrow(/length 2, expected 3/);
    await expect(lanczos(() => Float64Array.from([0, NaN, 0]), 3, { k: 1 })).rejects.toThrow(/non-finite value \(NaN\) at index 1/);
  });
});
