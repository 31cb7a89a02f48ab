/**
 * Spectral density by stochastic Lanczos quadrature (Golub–Meurant; Ubaru, Chen, Saad 2017;
 * Ghorbani et al. 2019 for Hessians). For a unit start vector v, m Lanczos steps give a Gauss
 * quadrature rule (nodes θ_i = Ritz values, weights τ_i² = squared first eigenvector components)
 * for the spectral measure μ_v = Σ_j (u_jᵀv)² δ_{λ_j}. With v = z/√n for Rademacher z,
 * E[μ_v] = (1/n) Σ_j δ_{λ_j}, the eigenvalue distribution. Averaging runs and smoothing each
 * node with a Gaussian gives a density.
 */
import { UserError } from "../../util/errors.js";
import { createRng } from "../../util/random.js";
import { KrylovBasis } from "./krylov.js";
import { checkDimension, checkPositiveInteger } from "./operator.js";
import type { MatVec } from "./operator.js";
import { tridiagonalEigen } from "./symmetric-eigen.js";

export interface SlqOptions {
  /** Independent random start vectors. */
  runs: number;
  /** Lanczos steps per run (capped at n; a run also ends early on an invariant subspace). */
  steps: number;
  seed?: number;
  /** Points of the output grid (default 1000, at least 2). */
  gridPoints?: number;
  /** Gaussian smoothing width. Default: DEFAULT_SIGMA_FRACTION of the Ritz value range. */
  sigma?: number;
}

export interface SlqDensity {
  /** Quadrature nodes (Ritz values, ascending) of each run. */
  nodes: number[][];
  /** Quadrature weights of each run; each run's weights sum to 1. */
  weights: number[][];
  /**
   * Evenly spaced grid from lambdaMin − GRID_PADDING_SIGMAS·σ to lambdaMax + GRID_PADDING_SIGMAS·σ,
   * so the smoothed mass in the tails beyond it is negligible (< 1e-6).
   */
  grid: Float64Array;
  /**
   * Smoothed density at the grid points: (1/runs) Σ_runs Σ_i w_i N(t; θ_i, σ²). It integrates to 1
   * over the real line; over the grid (trapezoid rule) as long as the grid spacing is well below σ.
   */
  density: Float64Array;
  /** Smallest Ritz value over all runs (an upper bound on the smallest eigenvalue). */
  lambdaMin: number;
  /** Largest Ritz value over all runs (a lower bound on the largest eigenvalue). */
  lambdaMax: number;
  sigma: number;
  matvecs: number;
}

/** Default smoothing width as a fraction of lambdaMax − lambdaMin. */
export const DEFAULT_SIGMA_FRACTION = 0.01;
/** Grid margin beyond the extreme nodes, in units of σ. */
export const GRID_PADDING_SIGMAS = 5;

const WHERE = "slqDensity";

function defaultSigma(lambdaMin: number, lambdaMax: number): number {
  const width = lambdaMax - lambdaMin;
  if (width > 0) return DEFAULT_SIGMA_FRACTION * width;
  // A single point mass (e.g. A = cI): any small width relative to the scale will do.
  return DEFAULT_SIGMA_FRACTION * Math.max(Math.abs(lambdaMax), 1);
}

/** One Gauss quadrature rule for the spectral measure of a normalised Rademacher start vector. */
export async function quadratureRule(
  matvec: MatVec,
  n: number,
  steps: number,
  start: Float64Array,
  run: number
): Promise<{ nodes: number[]; weights: number[]; matvecs: number }> {
  const basis = new KrylovBasis(matvec, n, `${WHERE} (run ${run + 1})`);
  basis.push(start, 0);
  for (;;) {
    const { residual, residualNorm } = await basis.step();
    // On an invariant subspace the rule is already exact for μ_v: stop rather than restart,
    // since a restart vector is not part of this start vector's measure.
    if (basis.size >= steps || basis.isBreakdown(residualNorm)) break;
    basis.push(residual, residualNorm);
  }
  const { values, firstComponents } = tridiagonalEigen(basis.alpha, basis.beta, "first");
  const weights = Array.from(firstComponents!, (t) => t * t);
  return { nodes: Array.from(values), weights, matvecs: basis.matvecs };
}

export async function slqDensity(matvec: MatVec, n: number, options: SlqOptions): Promise<SlqDensity> {
  checkDimension(n, WHERE);
  checkPositiveInteger(options.runs, "runs", WHERE);
  checkPositiveInteger(options.steps, "steps", WHERE);
  const gridPoints = options.gridPoints ?? 1000;
  if (!Number.isInteger(gridPoints) || gridPoints < 2) {
    throw new UserError(`${WHERE}: gridPoints must be an integer ≥ 2, got ${gridPoints}`);
  }
  if (options.sigma !== undefined && !(options.sigma > 0 && Number.isFinite(options.sigma))) {
    throw new UserError(`${WHERE}: sigma must be a positive finite number, got ${options.sigma}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new UserError(`${WHERE}: seed must be a finite number, got ${seed}`);
  const steps = Math.min(options.steps, n);
  const rng = createRng(seed);

  const rules: QuadratureRule[] = [];
  for (let run = 0; run < options.runs; run++) {
    const start = new Float64Array(n);
    for (let i = 0; i < n; i++) start[i] = rng.sign();
    rules.push(await quadratureRule(matvec, n, steps, start, run));
  }
  return slqFromRules(rules, options);
}

export interface QuadratureRule {
  nodes: number[];
  weights: number[];
  matvecs: number;
}

/**
 * The smoothed density from the runs' quadrature rules, in run order (computed here or by other
 * processes, run r from start vector r of the seeded Rademacher sequence): what slqDensity returns.
 */
export function slqFromRules(rules: readonly QuadratureRule[], options: Pick<SlqOptions, "gridPoints" | "sigma" | "runs">): SlqDensity {
  const gridPoints = options.gridPoints ?? 1000;
  const nodes: number[][] = rules.map((r) => r.nodes);
  const weights: number[][] = rules.map((r) => r.weights);
  let matvecs = 0;
  for (const r of rules) matvecs += r.matvecs;

  let lambdaMin = Infinity;
  let lambdaMax = -Infinity;
  for (const rule of nodes) {
    lambdaMin = Math.min(lambdaMin, rule[0]!);
    lambdaMax = Math.max(lambdaMax, rule[rule.length - 1]!);
  }
  const sigma = options.sigma ?? defaultSigma(lambdaMin, lambdaMax);
  const lo = lambdaMin - GRID_PADDING_SIGMAS * sigma;
  const hi = lambdaMax + GRID_PADDING_SIGMAS * sigma;
  const grid = new Float64Array(gridPoints);
  for (let g = 0; g < gridPoints; g++) grid[g] = lo + ((hi - lo) * g) / (gridPoints - 1);

  const density = new Float64Array(gridPoints);
  const norming = 1 / (options.runs * sigma * Math.sqrt(2 * Math.PI));
  const inverseTwoVariance = 1 / (2 * sigma * sigma);
  for (let r = 0; r < nodes.length; r++) {
    const theta = nodes[r]!;
    const w = weights[r]!;
    for (let i = 0; i < theta.length; i++) {
      const t = theta[i]!;
      const wi = w[i]! * norming;
      for (let g = 0; g < gridPoints; g++) {
        const x = grid[g]! - t;
        density[g]! += wi * Math.exp(-x * x * inverseTwoVariance);
      }
    }
  }
  return { nodes, weights, grid, density, lambdaMin, lambdaMax, sigma, matvecs };
}
