/**
 * The most negative curvature direction of a loss from Hessian-vector products alone: a few Lanczos
 * steps with full reorthogonalisation build a small tridiagonal matrix whose Jacobi eigenvalues
 * approximate the extreme eigenvalues of the Hessian. Kept small on purpose (convexity/ sits above
 * hessian/ and cannot use its solvers); for P ≤ steps it recovers the whole spectrum.
 */

export type MatVec = (v: Float64Array) => Promise<Float64Array>;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Eigenvalues and eigenvectors (columns of v, row-major n×n) of a symmetric matrix by cyclic Jacobi rotations. */
export function jacobiEigen(matrix: readonly number[][]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, norm = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      norm += a[i]![j]! ** 2;
      if (i !== j) off += a[i]![j]! ** 2;
    }
    if (off <= 1e-30 * Math.max(norm, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!, akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!, aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!, vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]!), vectors: v };
}

export interface CurvatureDirection {
  /** Approximate smallest eigenvalue of the Hessian (Rayleigh quotient of `vector`). */
  readonly value: number;
  /** Unit vector. */
  readonly vector: Float64Array;
  readonly matvecs: number;
}

/** Smallest Ritz pair after `steps` Lanczos steps from the start vector `v0`. */
export async function mostNegativeCurvature(matvec: MatVec, v0: Float64Array, steps: number): Promise<CurvatureDirection> {
  const n = v0.length;
  const k = Math.max(1, Math.min(steps, n));
  const basis: Float64Array[] = [];
  const alpha: number[] = [], beta: number[] = [];
  let q = v0.slice();
  let nq = Math.sqrt(dot(q, q));
  if (nq === 0) throw new Error("Lanczos start vector is zero");
  q = q.map((x) => x / nq);
  let matvecs = 0;
  for (let j = 0; j < k; j++) {
    basis.push(q);
    const w = await matvec(q);
    matvecs++;
    const a = dot(w, q);
    alpha.push(a);
    // full reorthogonalisation (twice is enough) keeps the small basis honest
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dot(w, b);
        for (let i = 0; i < n; i++) w[i]! -= c * b[i]!;
      }
    }
    nq = Math.sqrt(dot(w, w));
    if (j === k - 1 || nq < 1e-12) break;
    beta.push(nq);
    q = w.map((x) => x / nq);
  }
  const m = alpha.length;
  const T = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? alpha[i]! : Math.abs(i - j) === 1 ? beta[Math.min(i, j)]! : 0)));
  const { values, vectors } = jacobiEigen(T);
  let best = 0;
  for (let i = 1; i < m; i++) if (values[i]! < values[best]!) best = i;
  const vec = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    const c = vectors[j]![best]!;
    for (let i = 0; i < n; i++) vec[i]! += c * basis[j]![i]!;
  }
  const len = Math.sqrt(dot(vec, vec));
  for (let i = 0; i < n; i++) vec[i]! /= len;
  return { value: values[best]!, vector: vec, matvecs };
}
