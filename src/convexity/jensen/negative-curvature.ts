/**
 * The most negative curvature direction of a loss from Hessian-vector products alone: a few Lanczos
 * steps with full reorthogonalisation from the caller's start vector, then the smallest Ritz pair of
 * the small tridiagonal matrix. For P ≤ steps it recovers the whole spectrum.
 */
import { KrylovBasis, norm, tridiagonalEigen, type MatVec } from "../../num/linalg/index.js";

export interface CurvatureDirection {
  /** Approximate smallest eigenvalue of the Hessian (its smallest Ritz value). NaN if a product was not finite. */
  readonly value: number;
  /** Unit vector. */
  readonly vector: Float64Array;
  readonly matvecs: number;
}

/** Thrown by the guarded product to abandon a start point whose Hessian is not finite there. */
class NonFiniteProduct extends Error {}

/** Smallest Ritz pair after `steps` Lanczos steps from the start vector `v0`. */
export async function mostNegativeCurvature(matvec: MatVec, v0: Float64Array, steps: number): Promise<CurvatureDirection> {
  const n = v0.length;
  const k = Math.max(1, Math.min(steps, n));
  // A loss can overflow or hit log(0) away from its data: the search skips such a point (NaN value)
  // rather than stopping, so a non-finite product is not the user's error here.
  const guarded = async (v: Float64Array): Promise<Float64Array> => {
    const w = await matvec(v);
    if (!w.every(Number.isFinite)) throw new NonFiniteProduct();
    return w;
  };
  const basis = new KrylovBasis(guarded, n, "mostNegativeCurvature");
  basis.push(v0.slice(), 0);
  try {
    for (;;) {
      const { residual, residualNorm } = await basis.step();
      if (basis.size >= k || basis.isBreakdown(residualNorm)) break;
      basis.push(residual, residualNorm);
    }
  } catch (e) {
    if (!(e instanceof NonFiniteProduct)) throw e;
    return { value: NaN, vector: new Float64Array(n).fill(NaN), matvecs: basis.matvecs + 1 };
  }
  const m = basis.size;
  // Ascending Ritz values: column 0 is the smallest.
  const { values, vectors } = tridiagonalEigen(basis.alpha, basis.beta, "full");
  const vector = basis.combine(Float64Array.from({ length: m }, (_, j) => vectors![j * m]!));
  const len = norm(vector);
  for (let i = 0; i < n; i++) vector[i]! /= len;
  return { value: values[0]!, vector, matvecs: basis.matvecs };
}
