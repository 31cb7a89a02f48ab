/**
 * Li et al.'s (2018) local non-convexity measure |λmin / λmax| of the loss Hessian, at one θ or
 * over the points of a landscape plane θ + Σ c_k d_k. Both extremes come from one Lanczos run, and
 * every point reuses one HVP graph (one ONNX session).
 *
 * The evaluator has the shape of landscape's PointEvaluator ({ batch, evaluate(coords, count) }),
 * returning the metric under the key "eig-ratio", so the landscape grid can take it as a plug-in
 * without landscape/ importing hessian/.
 */
import type { Executor } from "../exec/executor.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { UserError } from "../util/errors.js";
import { checkTheta, createHvpGraph, hessianOperator, type HessianOperator, type HvpGraph } from "./hvp-operator.js";
import { lanczos } from "../num/linalg/index.js";
import { planePoint } from "../landscape/evaluate/problem.js";

export const EIG_RATIO_METRIC = "eig-ratio";

export interface EigRatioOptions {
  seed?: number;
  /** Lanczos tolerance, default 1e-6 (a ratio for a heat map needs no more). */
  tol?: number;
  /** Krylov dimension limit, default min(n, 100). */
  maxIter?: number;
}

export interface EigRatio {
  /** |λmin / λmax|; Infinity when λmax = 0 ≠ λmin, NaN when both are 0. */
  ratio: number;
  lambdaMin: number;
  lambdaMax: number;
  converged: boolean;
  hvps: number;
}

/** |λmin/λmax| of the operator, λmin the most negative and λmax the largest eigenvalue. */
export async function eigRatio(op: HessianOperator, options: EigRatioOptions = {}): Promise<EigRatio> {
  const before = op.hvps;
  if (op.n === 1) {
    const h = (await op.matvec(Float64Array.of(1)))[0]!;
    return { ratio: Math.abs(h / h), lambdaMin: h, lambdaMax: h, converged: true, hvps: op.hvps - before };
  }
  const res = await lanczos(op.matvec, op.n, {
    k: 1,
    which: "both",
    tol: options.tol ?? 1e-6,
    maxIter: Math.min(op.n, options.maxIter ?? 100),
    seed: options.seed ?? 0
  });
  const lambdaMin = res.bottom![0]!.value;
  const lambdaMax = res.top![0]!.value;
  return { ratio: Math.abs(lambdaMin / lambdaMax), lambdaMin, lambdaMax, converged: res.converged, hvps: op.hvps - before };
}

/** |λmin/λmax| of the loss Hessian of the problem at θ. */
export async function eigRatioAt(
  problem: LossProblem,
  theta: Float64Array,
  executor: Executor,
  options: EigRatioOptions & { hvpGraph?: HvpGraph } = {}
): Promise<EigRatio> {
  const op = hessianOperator(problem, theta, { executor, ...(options.hvpGraph ? { hvpGraph: options.hvpGraph } : {}) });
  return eigRatio(op, options);
}

/** The plane (or line) through θ that a landscape evaluates. */
export interface EigRatioProblem {
  problem: LossProblem;
  theta: Float64Array;
  dirs: readonly Float64Array[];
}

export interface EigRatioEvaluator {
  readonly batch: 1;
  /** coords: count × dims row-major; returns the ratio at each point under "eig-ratio". */
  evaluate(coords: Float64Array, count: number): Promise<Record<typeof EIG_RATIO_METRIC, Float64Array>>;
  /** HVPs spent so far over all points. */
  readonly hvps: number;
  /** Points whose Lanczos run stopped at maxIter before the tolerance. */
  readonly unconverged: number;
}

export function createEigRatioEvaluator(problem: EigRatioProblem, executor: Executor, options: EigRatioOptions = {}): EigRatioEvaluator {
  const hvpGraph = createHvpGraph(problem.problem);
  const P = hvpGraph.layout.size;
  checkTheta(problem.theta, hvpGraph.layout);
  problem.dirs.forEach((d, k) => {
    if (d.length !== P) throw new UserError(`direction ${k + 1} has ${d.length} values, but the model has ${P} parameters`);
  });
  const m = problem.dirs.length;
  let hvps = 0;
  let unconverged = 0;
  return {
    batch: 1,
    async evaluate(coords, count) {
      if (coords.length < count * m) throw new Error(`eig-ratio evaluator: ${coords.length} coordinates for ${count} points of dimension ${m}`);
      const out = new Float64Array(count);
      const th = new Float64Array(P);
      for (let q = 0; q < count; q++) {
        planePoint(problem.theta, problem.dirs, coords, q, th);
        // The same seed at every point: the map varies only with θ, never with the start vector.
        const r = await eigRatioAt(problem.problem, th, executor, { ...options, hvpGraph });
        hvps += r.hvps;
        if (!r.converged) unconverged++;
        out[q] = r.ratio;
      }
      return { [EIG_RATIO_METRIC]: out };
    },
    get hvps() { return hvps; },
    get unconverged() { return unconverged; }
  };
}
