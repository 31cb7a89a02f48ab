/**
 * The Lanczos three-term recurrence with full reorthogonalisation, shared by the eigensolver
 * (lanczos.ts) and spectral density estimation (slq.ts). Keeping every basis vector costs
 * steps·n doubles but makes the Ritz values free of the spurious copies ("ghosts") that plain
 * Lanczos produces in floating point.
 */
import { applyMatVec } from "./operator.js";
import type { MatVec } from "./operator.js";
import { axpy, norm, orthogonalizeAgainst, scale } from "./vector-ops.js";

/** Off-diagonals at or below this fraction of ‖T‖ mean the Krylov space is (numerically) invariant. */
export const BREAKDOWN_RELATIVE = 1e-12;

export class KrylovBasis {
  /** Orthonormal basis vectors q_0 … q_{m-1}. */
  readonly vectors: Float64Array[] = [];
  /** Diagonal of the projected tridiagonal T = Qᵀ A Q. */
  readonly alpha: number[] = [];
  /** beta[i] couples q_i and q_{i+1}; zero where a breakdown restarted the recurrence. */
  readonly beta: number[] = [];
  /** max_i |β_{i-1}| + |α_i| + |β_i| so far: within a factor √3 of ‖T‖ ≤ ‖A‖, a scale for tolerances. */
  normEstimate = 0;
  matvecs = 0;

  constructor(
    private readonly matvec: MatVec,
    readonly n: number,
    private readonly where: string
  ) {}

  get size(): number {
    return this.vectors.length;
  }

  /** Appends `v` normalised; `coupling` is the beta linking it to the previous vector. */
  push(v: Float64Array, coupling: number): void {
    const r = norm(v);
    if (!(r > 0)) throw new Error("KrylovBasis.push: zero vector");
    scale(1 / r, v);
    if (this.vectors.length > 0) this.beta.push(coupling);
    this.vectors.push(v);
  }

  /**
   * One Lanczos step on the newest vector q_j: computes α_j and the next residual
   * w = A q_j − α_j q_j − β_{j-1} q_{j-1}, orthogonalised against the whole basis. Returns w and
   * its norm; the caller decides between push(w, ‖w‖), a restart and stopping.
   */
  async step(): Promise<{ residual: Float64Array; residualNorm: number }> {
    const j = this.vectors.length - 1;
    const q = this.vectors[j]!;
    const w = await applyMatVec(this.matvec, q, `${this.where} (matvec ${this.matvecs + 1})`);
    this.matvecs++;
    const previousBeta = j > 0 ? this.beta[j - 1]! : 0;
    if (j > 0 && previousBeta !== 0) axpy(-previousBeta, this.vectors[j - 1]!, w);
    const coefficients = orthogonalizeAgainst(w, this.vectors);
    // Reorthogonalisation also refines α_j: it is the total component of A q_j along q_j.
    const a = coefficients[j]!;
    this.alpha.push(a);
    const residualNorm = norm(w);
    this.normEstimate = Math.max(this.normEstimate, Math.abs(a) + Math.abs(previousBeta) + residualNorm);
    return { residual: w, residualNorm };
  }

  /** True when a residual this small means the current Krylov space is invariant under A. */
  isBreakdown(residualNorm: number): boolean {
    return residualNorm <= BREAKDOWN_RELATIVE * this.normEstimate;
  }

  /** Ritz vector Σ_i z_i q_i for a coefficient vector z (length = size), as a fresh array. */
  combine(z: ArrayLike<number>): Float64Array {
    const y = new Float64Array(this.n);
    for (let i = 0; i < this.vectors.length; i++) axpy(z[i]!, this.vectors[i]!, y);
    return y;
  }
}
