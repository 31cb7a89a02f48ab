/**
 * Extreme eigenpairs of a symmetric operator by Lanczos with full reorthogonalisation and no
 * implicit or thick restarts: the Krylov space grows until the wanted Ritz pairs converge or
 * maxIter is reached. Only an invariant-subspace breakdown continues from a fresh random vector
 * orthogonal to the basis, which is also how repeated eigenvalues get their extra copies.
 */
import { UserError } from "../../util/errors.js";
import { createRng } from "../../util/random.js";
import type { Rng } from "../../util/random.js";
import { KrylovBasis } from "./krylov.js";
import { applyMatVec, checkDimension, checkPositiveInteger } from "./operator.js";
import type { MatVec } from "./operator.js";
import { tridiagonalEigen } from "./symmetric-eigen.js";
import { axpy, canonicalizeSign, norm, orthogonalizeAgainst } from "./vector-ops.js";

export type LanczosWhich = "largest" | "smallest" | "both";

export interface LanczosOptions {
  /** Number of eigenpairs wanted at each requested end of the spectrum. */
  k: number;
  /** Default "largest". "smallest" means most negative (algebraically smallest). */
  which?: LanczosWhich;
  /** Stop when every wanted Ritz pair has |β_m s_{m,i}| ≤ tol·max(1, |θ_i|). Default 1e-8. */
  tol?: number;
  /** Largest Krylov dimension (= matvecs before the residual checks). Default min(n, max(2k+20, 50)). */
  maxIter?: number;
  /** Seed of the random start vector (and of restart vectors after a breakdown). Default 0. */
  seed?: number;
}

export interface RitzPair {
  /** Ritz value θ (eigenvalue estimate). */
  value: number;
  /** True residual ‖A y − θ y‖, from one extra matvec. */
  residual: number;
  /** Unit Ritz vector y; its largest-magnitude entry is positive. */
  vector: Float64Array;
}

export interface LanczosResult {
  /** The k largest Ritz pairs, descending (present for "largest" and "both"). */
  top?: RitzPair[];
  /** The k smallest Ritz pairs, ascending (present for "smallest" and "both"). */
  bottom?: RitzPair[];
  /** All matvecs: Krylov steps plus one per returned distinct Ritz pair. */
  matvecs: number;
  /** Krylov dimension reached. */
  iterations: number;
  /**
   * Whether every wanted pair met the tolerance by the Lanczos residual estimate |β_m s_{m,i}|.
   * After an invariant-subspace breakdown it also means later restarts could not have changed the
   * wanted values. Caveat of single-vector Lanczos: without a breakdown, a repeated eigenvalue is
   * found once, so its extra copies may be missing from top/bottom.
   */
  converged: boolean;
  /** Times the recurrence hit an invariant subspace and continued from a fresh random vector. */
  restarts: number;
}

interface ResolvedOptions {
  k: number;
  which: LanczosWhich;
  tol: number;
  maxIter: number;
  seed: number;
}

const WHERE = "lanczos";

function resolveOptions(n: number, options: LanczosOptions): ResolvedOptions {
  checkDimension(n, WHERE);
  const { k } = options;
  checkPositiveInteger(k, "k", WHERE);
  if (k > n) throw new UserError(`${WHERE}: k = ${k} exceeds the dimension n = ${n}`);
  const which = options.which ?? "largest";
  if (which !== "largest" && which !== "smallest" && which !== "both") {
    throw new UserError(`${WHERE}: which must be "largest", "smallest" or "both", got ${String(which)}`);
  }
  const tol = options.tol ?? 1e-8;
  if (!(tol > 0) || !Number.isFinite(tol)) {
    throw new UserError(`${WHERE}: tol must be a positive finite number, got ${tol}`);
  }
  const maxIterRaw = options.maxIter ?? Math.min(n, Math.max(2 * k + 20, 50));
  checkPositiveInteger(maxIterRaw, "maxIter", WHERE);
  if (maxIterRaw < k) {
    throw new UserError(`${WHERE}: maxIter = ${maxIterRaw} is smaller than k = ${k}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new UserError(`${WHERE}: seed must be a finite number, got ${seed}`);
  // A Krylov space of A cannot exceed dimension n.
  return { k, which, tol, maxIter: Math.min(maxIterRaw, n), seed };
}

function gaussianVector(rng: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}

/** Indices (into ascending Ritz values of size m) of the wanted pairs: top descending, bottom ascending. */
function wantedIndices(m: number, k: number, which: LanczosWhich): { top: number[]; bottom: number[] } {
  const count = Math.min(k, m);
  const top: number[] = [];
  const bottom: number[] = [];
  if (which !== "smallest") for (let i = 0; i < count; i++) top.push(m - 1 - i);
  if (which !== "largest") for (let i = 0; i < count; i++) bottom.push(i);
  return { top, bottom };
}

/**
 * A vector orthogonal to the basis, or null when the basis already spans (numerically) all of
 * ℝⁿ. Two random tries, since one can be unlucky.
 */
function freshDirection(rng: Rng, basis: KrylovBasis): Float64Array | null {
  for (let attempt = 0; attempt < 2; attempt++) {
    const v = gaussianVector(rng, basis.n);
    const before = norm(v);
    orthogonalizeAgainst(v, basis.vectors);
    if (norm(v) > 1e-8 * before) return v;
  }
  return null;
}

/**
 * After the block of the Krylov basis starting at `blockStart` closed an invariant subspace: can
 * later blocks still change the wanted values? A generic start vector makes the block's extreme
 * Ritz values the exact extreme eigenvalues of A on the complement of the earlier blocks, and all
 * later blocks live inside that complement. So if the block's largest value does not exceed the
 * current k-th largest (and likewise at the bottom), nothing later can enter the wanted set.
 */
function breakdownIsFinal(basis: KrylovBasis, blockStart: number, k: number, which: LanczosWhich, tol: number): boolean {
  const all = tridiagonalEigen(basis.alpha, basis.beta).values;
  const block = tridiagonalEigen(basis.alpha.slice(blockStart), basis.beta.slice(blockStart)).values;
  const slack = (x: number): number => tol * Math.max(1, Math.abs(x));
  const m = all.length;
  if (which !== "smallest") {
    const kthLargest = all[m - k]!;
    if (block[block.length - 1]! > kthLargest + slack(kthLargest)) return false;
  }
  if (which !== "largest") {
    const kthSmallest = all[k - 1]!;
    if (block[0]! < kthSmallest - slack(kthSmallest)) return false;
  }
  return true;
}

/**
 * The stopping test |β_m s_{m,i}| ≤ tol·max(1, |θ_i|) for the wanted Ritz pairs. After a restart,
 * pairs of closed blocks have zero residual while the open block may still grow a value into the
 * wanted set, so its extreme Ritz pair (at each wanted end) must have converged as well.
 */
function wantedPairsConverged(
  basis: KrylovBasis,
  blockStart: number,
  residualNorm: number,
  k: number,
  which: LanczosWhich,
  tol: number
): boolean {
  const ok = (value: number, last: number): boolean =>
    residualNorm * Math.abs(last) <= tol * Math.max(1, Math.abs(value));
  const { values, lastComponents } = tridiagonalEigen(basis.alpha, basis.beta, "last");
  const wanted = wantedIndices(values.length, k, which);
  if (![...wanted.top, ...wanted.bottom].every((i) => ok(values[i]!, lastComponents![i]!))) return false;
  if (blockStart === 0) return true;
  const block = tridiagonalEigen(basis.alpha.slice(blockStart), basis.beta.slice(blockStart), "last");
  const extremes = wantedIndices(block.values.length, 1, which);
  return [...extremes.top, ...extremes.bottom].every((i) => ok(block.values[i]!, block.lastComponents![i]!));
}

export async function lanczos(matvec: MatVec, n: number, options: LanczosOptions): Promise<LanczosResult> {
  const { k, which, tol, maxIter, seed } = resolveOptions(n, options);
  const rng = createRng(seed);
  const basis = new KrylovBasis(matvec, n, WHERE);
  basis.push(gaussianVector(rng, n), 0);
  let converged = false;
  let restarts = 0;
  let blockStart = 0;

  for (;;) {
    const { residual, residualNorm } = await basis.step();
    const m = basis.size;
    if (basis.isBreakdown(residualNorm)) {
      // The Krylov space is invariant and its Ritz pairs are exact. Eigenvalues of higher
      // multiplicity (or fewer than k distinct ones) need further blocks from the complement.
      if (m >= k && breakdownIsFinal(basis, blockStart, k, which, tol)) { converged = true; break; }
      if (m >= maxIter) { converged = m === n; break; }
      const next = freshDirection(rng, basis);
      // No fresh direction: the basis spans ℝⁿ and every eigenpair is in hand.
      if (next === null) { converged = true; break; }
      basis.push(next, 0);
      blockStart = m;
      restarts++;
      continue;
    }
    if (m >= k) {
      converged = wantedPairsConverged(basis, blockStart, residualNorm, k, which, tol);
      if (converged) break;
    }
    if (m >= maxIter) break;
    basis.push(residual, residualNorm);
  }

  return finish(matvec, basis, k, which, converged, restarts);
}

async function finish(
  matvec: MatVec,
  basis: KrylovBasis,
  k: number,
  which: LanczosWhich,
  converged: boolean,
  restarts: number
): Promise<LanczosResult> {
  const m = basis.size;
  const { values, vectors } = tridiagonalEigen(basis.alpha, basis.beta, "full");
  const wanted = wantedIndices(m, k, which);
  const pairs = new Map<number, RitzPair>();
  let extraMatvecs = 0;
  const pairAt = async (index: number): Promise<RitzPair> => {
    const cached = pairs.get(index);
    if (cached) return cached;
    const z = new Float64Array(m);
    for (let i = 0; i < m; i++) z[i] = vectors![i * m + index]!;
    const y = basis.combine(z);
    // The basis is orthonormal to working precision; renormalising removes the last roundoff.
    const r = norm(y);
    for (let i = 0; i < y.length; i++) y[i]! /= r;
    canonicalizeSign(y);
    const theta = values[index]!;
    const ay = await applyMatVec(matvec, y, `${WHERE} (residual check of Ritz value ${theta})`);
    extraMatvecs++;
    axpy(-theta, y, ay);
    const pair: RitzPair = { value: theta, residual: norm(ay), vector: y };
    pairs.set(index, pair);
    return pair;
  };
  const result: LanczosResult = {
    matvecs: 0,
    iterations: m,
    converged,
    restarts
  };
  if (which !== "smallest") {
    const top: RitzPair[] = [];
    for (const i of wanted.top) top.push(await pairAt(i));
    result.top = top;
  }
  if (which !== "largest") {
    const bottom: RitzPair[] = [];
    for (const i of wanted.bottom) bottom.push(await pairAt(i));
    result.bottom = bottom;
  }
  result.matvecs = basis.matvecs + extraMatvecs;
  return result;
}
