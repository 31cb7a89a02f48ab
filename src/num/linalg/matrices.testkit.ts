/**
 * Test-only: matrices with known spectra for the tests of this folder (not part of the public API).
 */
import { createRng } from "../../util/random.js";
import type { Rng } from "../../util/random.js";

/** Symmetric matrix with i.i.d. standard normal entries on and above the diagonal. */
export function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = rng.normal();
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  return a;
}

/** Random orthogonal n×n matrix (columns), by Gram–Schmidt on Gaussian columns. */
export function randomOrthogonal(n: number, rng: Rng): Float64Array[] {
  const columns: Float64Array[] = [];
  while (columns.length < n) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (const q of columns) {
        let h = 0;
        for (let i = 0; i < n; i++) h += q[i]! * v[i]!;
        for (let i = 0; i < n; i++) v[i]! -= h * q[i]!;
      }
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i]! * v[i]!;
    const r = Math.sqrt(s);
    if (r < 1e-8) continue;
    for (let i = 0; i < n; i++) v[i]! /= r;
    columns.push(v);
  }
  return columns;
}

/** A = Q diag(λ) Qᵀ for a random orthogonal Q: the spectrum is known exactly (up to rounding). */
export function matrixWithSpectrum(eigenvalues: readonly number[], seed: number): Float64Array {
  const n = eigenvalues.length;
  const q = randomOrthogonal(n, createRng(seed));
  const a = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const lambda = eigenvalues[k]!;
    const v = q[k]!;
    for (let i = 0; i < n; i++) {
      const s = lambda * v[i]!;
      for (let j = 0; j < n; j++) a[i * n + j]! += s * v[j]!;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const avg = 0.5 * (a[i * n + j]! + a[j * n + i]!);
      a[i * n + j] = avg;
      a[j * n + i] = avg;
    }
  }
  return a;
}

export function traceOf(a: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i]!;
  return t;
}
