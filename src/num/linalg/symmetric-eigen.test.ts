import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { symmetricEigen, tridiagonalEigen } from "./symmetric-eigen.js";
import { randomSymmetric, matrixWithSpectrum } from "./matrices.testkit.js";
import { UserError } from "../../util/errors.js";

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** max |A − V Λ Vᵀ| / max |A| and max |VᵀV − I|. */
function decompositionErrors(a: Float64Array, n: number, values: Float64Array, v: Float64Array) {
  let recon = 0;
  let orth = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let g = 0;
      for (let k = 0; k < n; k++) {
        s += v[i * n + k]! * values[k]! * v[j * n + k]!;
        g += v[k * n + i]! * v[k * n + j]!;
      }
      recon = Math.max(recon, Math.abs(a[i * n + j]! - s));
      orth = Math.max(orth, Math.abs(g - (i === j ? 1 : 0)));
    }
  }
  // The floor keeps subnormal test matrices from turning absolute roundoff into huge ratios.
  return { reconstruction: recon / Math.max(maxAbs(a), 1e-290), orthogonality: orth };
}

function isAscending(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (x[i]! < x[i - 1]!) return false;
  return true;
}

function dense(n: number, entry: (i: number, j: number) => number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = entry(i, j);
  return a;
}

describe("symmetricEigen", () => {
  it("reconstructs random symmetric matrices as V Λ Vᵀ with orthonormal V", () => {
    // n = 260 needs tens of thousands of rotations, so several rotation-buffer flushes.
    for (const n of [1, 2, 3, 7, 40, 150, 260]) {
      const a = randomSymmetric(n, 1000 + n);
      const { values, vectors } = symmetricEigen(a, n);
      const err = decompositionErrors(a, n, values, vectors!);
      expect(err.reconstruction).toBeLessThan(1e-10);
      expect(err.orthogonality).toBeLessThan(1e-10);
      expect(isAscending(values)).toBe(true);
    }
  });

  it("satisfies A = V Λ Vᵀ for arbitrary small symmetric matrices (property)", () => {
    const entry = fc.double({ min: -1e3, max: 1e3, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(entry, { minLength: 64, maxLength: 64 }), (n, raw) => {
        const a = dense(n, (i, j) => raw[Math.min(i, j) * 8 + Math.max(i, j)]!);
        const { values, vectors } = symmetricEigen(a, n);
        const err = decompositionErrors(a, n, values, vectors!);
        expect(err.reconstruction).toBeLessThan(1e-10);
        expect(err.orthogonality).toBeLessThan(1e-10);
        expect(isAscending(values)).toBe(true);
      }),
      { numRuns: 200 }
    );
  });

  it("shifts every eigenvalue by c when c·I is added (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer(), fc.double({ min: -100, max: 100, noNaN: true }), (n, seed, c) => {
        const a = randomSymmetric(n, seed);
        const shifted = a.slice();
        for (let i = 0; i < n; i++) shifted[i * n + i]! += c;
        const base = symmetricEigen(a, n, { wantVectors: false }).values;
        const moved = symmetricEigen(shifted, n, { wantVectors: false }).values;
        const scale = Math.max(1, maxAbs(base), Math.abs(c));
        for (let i = 0; i < n; i++) expect(Math.abs(moved[i]! - base[i]! - c)).toBeLessThan(1e-12 * scale * n);
      }),
      { numRuns: 50 }
    );
  });

  it("returns the entries of a diagonal matrix, sorted, with unit vectors", () => {
    const diag = [5, -3, 0, 2.5, -7, 1e-3];
    const n = diag.length;
    const { values, vectors } = symmetricEigen(dense(n, (i, j) => (i === j ? diag[i]! : 0)), n);
    expect(Array.from(values)).toEqual([...diag].sort((x, y) => x - y));
    for (let j = 0; j < n; j++) {
      const source = diag.indexOf(values[j]!);
      for (let i = 0; i < n; i++) expect(vectors![i * n + j]).toBe(i === source ? 1 : 0);
    }
  });

  it("finds ±2 for [[0, 2], [2, 0]] with eigenvectors (1, ∓1)/√2", () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([0, 2, 2, 0]));
    expect(values[0]).toBeCloseTo(-2, 14);
    expect(values[1]).toBeCloseTo(2, 14);
    const h = Math.SQRT1_2;
    // Column 0 ↔ −2: (1, −1)/√2 up to sign; sign convention makes the first max-|·| entry positive.
    expect(vectors![0]).toBeCloseTo(h, 14);
    expect(vectors![2]).toBeCloseTo(-h, 14);
    expect(vectors![1]).toBeCloseTo(h, 14);
    expect(vectors![3]).toBeCloseTo(h, 14);
  });

  it("matches the closed form 2 − 2cos(kπ/(n+1)) of the path-graph Laplacian", () => {
    for (const n of [2, 5, 64, 300]) {
      // Dirichlet path Laplacian: tridiag(−1, 2, −1).
      const a = dense(n, (i, j) => (i === j ? 2 : Math.abs(i - j) === 1 ? -1 : 0));
      const { values } = symmetricEigen(a, n, { wantVectors: false });
      for (let k = 1; k <= n; k++) {
        expect(Math.abs(values[k - 1]! - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-13);
      }
    }
  });

  it("recovers a prescribed spectrum with repeated eigenvalues", () => {
    const spectrum = [-4, -4, -4, 0, 0, 1, 3, 3, 9, 9, 9, 9];
    const n = spectrum.length;
    const a = matrixWithSpectrum(spectrum, 7);
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) expect(Math.abs(values[i]! - spectrum[i]!)).toBeLessThan(1e-13 * 9 * n);
    expect(decompositionErrors(a, n, values, vectors!).orthogonality).toBeLessThan(1e-12);
  });

  it("handles a zero matrix and matrices with tiny or huge scale", () => {
    expect(Array.from(symmetricEigen(new Float64Array(9)).values)).toEqual([0, 0, 0]);
    for (const s of [1e-200, 1e200]) {
      const base = randomSymmetric(6, 3);
      const scaled = base.map((x) => x * s);
      const ref = symmetricEigen(base, 6).values;
      const got = symmetricEigen(scaled, 6).values;
      for (let i = 0; i < 6; i++) expect(Math.abs(got[i]! / s - ref[i]!)).toBeLessThan(1e-12 * maxAbs(ref));
    }
  });

  it("rejects non-square, non-finite and asymmetric input with a message naming the problem", () => {
    expect(() => symmetricEigen(new Float64Array(5))).toThrow(/not square.*5 entries/);
    expect(() => symmetricEigen(new Float64Array(6), 2)).toThrow(/not square.*expected 2×2/);
    expect(() => symmetricEigen(Float64Array.from([1, NaN, NaN, 1]))).toThrow(/entry \(0, 1\) is NaN/);
    expect(() => symmetricEigen(Float64Array.from([1, Infinity, 0, 1]))).toThrow(UserError);
    expect(() => symmetricEigen(Float64Array.from([1, 2, 3, 1]))).toThrow(/not symmetric.*\(0, 1\)/);
    expect(() => symmetricEigen(new Float64Array(0))).toThrow(/positive integer/);
  });

  it("accepts and symmetrises roundoff-level asymmetry", () => {
    const { values } = symmetricEigen(Float64Array.from([0, 2, 2 + 1e-14, 0]));
    expect(values[1]).toBeCloseTo(2, 12);
  });
});

describe("tridiagonalEigen", () => {
  function denseTridiagonal(alpha: number[], beta: number[]): Float64Array {
    const m = alpha.length;
    return dense(m, (i, j) => (i === j ? alpha[i]! : Math.abs(i - j) === 1 ? beta[Math.min(i, j)]! : 0));
  }

  it("agrees with the dense solver on values, first/last components and vectors (property)", () => {
    const x = fc.double({ min: -50, max: 50, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(x, { minLength: 24, maxLength: 24 }), (m, raw) => {
        const alpha = raw.slice(0, m);
        const beta = raw.slice(12, 12 + m - 1);
        const ref = symmetricEigen(denseTridiagonal(alpha, beta), m);
        const full = tridiagonalEigen(alpha, beta, true);
        const first = tridiagonalEigen(alpha, beta, "first");
        const last = tridiagonalEigen(alpha, beta, "last");
        const none = tridiagonalEigen(alpha, beta);
        const scale = Math.max(1, maxAbs(ref.values));
        for (let j = 0; j < m; j++) {
          for (const r of [full, first, last, none]) expect(Math.abs(r.values[j]! - ref.values[j]!)).toBeLessThan(1e-12 * scale);
        }
        const err = decompositionErrors(denseTridiagonal(alpha, beta), m, full.values, full.vectors!);
        expect(err.reconstruction).toBeLessThan(1e-10);
        expect(err.orthogonality).toBeLessThan(1e-10);
        // Components are defined up to sign (and mix within clusters), but their squares summed
        // over the spectrum are 1, and first²·λ sums to alpha[0] (Gauss quadrature moments).
        let s0 = 0;
        let s1 = 0;
        let l0 = 0;
        for (let j = 0; j < m; j++) {
          s0 += first.firstComponents![j]! ** 2;
          s1 += first.firstComponents![j]! ** 2 * first.values[j]!;
          l0 += last.lastComponents![j]! ** 2 * last.values[j]!;
          expect(Math.abs(full.firstComponents![j]!)).toBeCloseTo(Math.abs(full.vectors![j]!), 15);
        }
        expect(s0).toBeCloseTo(1, 12);
        expect(Math.abs(s1 - alpha[0]!)).toBeLessThan(1e-11 * scale);
        expect(Math.abs(l0 - alpha[m - 1]!)).toBeLessThan(1e-11 * scale);
      }),
      { numRuns: 200 }
    );
  });

  it("matches the path-graph closed form and its eigenvector first components", () => {
    const m = 50;
    const r = tridiagonalEigen(new Array<number>(m).fill(2), new Array<number>(m - 1).fill(-1), "first");
    for (let k = 1; k <= m; k++) {
      expect(Math.abs(r.values[k - 1]! - (2 - 2 * Math.cos((k * Math.PI) / (m + 1))))).toBeLessThan(1e-13);
      // Eigenvector k is sin(i k π/(m+1)) up to normalisation √(2/(m+1)).
      const expected = Math.sqrt(2 / (m + 1)) * Math.sin((k * Math.PI) / (m + 1));
      expect(Math.abs(Math.abs(r.firstComponents![k - 1]!) - Math.abs(expected))).toBeLessThan(1e-13);
    }
  });

  it("rejects mismatched lengths and non-finite entries", () => {
    expect(() => tridiagonalEigen([1, 2], [1, 2])).toThrow(/off-diagonal has length 2, expected 1/);
    expect(() => tridiagonalEigen([], [])).toThrow(/empty/);
    expect(() => tridiagonalEigen([1, NaN], [0])).toThrow(/alpha\[1\] is NaN/);
    expect(() => tridiagonalEigen([1, 1], [Infinity])).toThrow(/beta\[0\]/);
  });
});
