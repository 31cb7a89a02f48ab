/**
 * The dense Hessian, one HVP per column (H e_j), and its full eigendecomposition. Autodiff gives
 * each column to roundoff, so H is symmetric only up to that roundoff: the asymmetry is measured
 * and reported, then H is symmetrised by averaging before the eigensolver sees it.
 */
import { field, UserError } from "../util/errors.js";
import { symmetricEigen } from "../num/linalg/index.js";
import type { MatVec } from "../num/linalg/index.js";

/** Default largest n for --exact: n HVPs plus an O(n³) eigensolver (≈ 3 min at n = 3000 with vectors). */
export const DEFAULT_MAX_EXACT = 3000;

export interface DenseHessian {
  n: number;
  /** Symmetrised H, n×n row-major. */
  matrix: Float64Array;
  /** max |H_ij − H_ji| / max |H_ij| before symmetrising (0 for a zero matrix). */
  asymmetry: number;
  /** HVPs used (= n). */
  hvps: number;
}

export interface ExactSpectrum {
  /** Ascending. */
  values: Float64Array;
  /** n×n row-major, column j = unit eigenvector of values[j] (largest-magnitude entry positive). */
  vectors?: Float64Array;
  asymmetry: number;
  hvps: number;
}

export function checkExactSize(n: number, maxN: number, what = "the Hessian"): void {
  if (n > maxN) {
    throw new UserError(
      `${field("exact")}: ${what} is ${n}×${n}, above the limit of ${maxN} parameters for a dense eigendecomposition ` +
        `(n HVPs and O(n³) time). Use ${field("top")} K / ${field("bottom")} K (Lanczos) for extreme eigenvalues, ${field("trace")} and ` +
        `${field("density")} for the rest of the spectrum, or raise the limit with ${field("maxExact")}.`
    );
  }
}

export async function denseHessian(matvec: MatVec, n: number): Promise<DenseHessian> {
  const h = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = await matvec(e.slice());
    if (col.length !== n) throw new Error(`denseHessian: column ${j} has ${col.length} entries, expected ${n}`);
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (!Number.isFinite(v)) throw new UserError(`the Hessian entry (${i}, ${j}) is ${v}: the loss is not twice differentiable there or overflows`);
      h[i * n + j] = v;
    }
  }
  let maxAbs = 0;
  let maxDiff = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const a = h[i * n + j]!, b = h[j * n + i]!;
      maxAbs = Math.max(maxAbs, Math.abs(a), Math.abs(b));
      maxDiff = Math.max(maxDiff, Math.abs(a - b));
      const mean = 0.5 * (a + b);
      h[i * n + j] = mean;
      h[j * n + i] = mean;
    }
  }
  return { n, matrix: h, asymmetry: maxAbs === 0 ? 0 : maxDiff / maxAbs, hvps: n };
}

export interface ExactSpectrumOptions {
  /** Default DEFAULT_MAX_EXACT. */
  maxN?: number;
  /** Default true. */
  wantVectors?: boolean;
}

export async function exactSpectrum(matvec: MatVec, n: number, options: ExactSpectrumOptions = {}): Promise<ExactSpectrum> {
  checkExactSize(n, options.maxN ?? DEFAULT_MAX_EXACT);
  const dense = await denseHessian(matvec, n);
  // Already symmetrised, so the eigensolver's own symmetry check cannot fire on autodiff roundoff.
  const eig = symmetricEigen(dense.matrix, n, { wantVectors: options.wantVectors ?? true });
  const out: ExactSpectrum = { values: eig.values, asymmetry: dense.asymmetry, hvps: dense.hvps };
  if (eig.vectors) out.vectors = eig.vectors;
  return out;
}

/** Column j of an n×n row-major matrix. */
export function column(matrix: Float64Array, n: number, j: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = matrix[i * n + j]!;
  return v;
}
