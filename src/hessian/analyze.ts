/**
 * `losscape hessian` as one library call: the requested spectral quantities of the loss Hessian at
 * θ — dense eigendecomposition, Lanczos extremes, stochastic trace, SLQ density — for the whole θ
 * and, on request, for each layer's weight and bias block. All randomness comes from `seed`.
 */
import type { Executor } from "../exec/executor.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { field, UserError } from "../util/errors.js";
import { DEFAULT_MAX_EXACT, checkExactSize, exactSpectrum } from "./dense.js";
import { createHvpGraph, hessianOperator, type HessianOperator, type HvpGraph, type OperatorBlock } from "./hvp-operator.js";
import { hutchinsonFromValues, hutchinsonTrace, hutchPlusPlus, lanczos, norm, slqDensity, slqFromRules } from "../num/linalg/index.js";
import type { QuadratureRule, RitzPair, SlqDensity } from "../num/linalg/index.js";

export type TraceMethod = "hutchinson" | "hutch++";

export const DEFAULT_LANCZOS_TOL = 1e-8;
export const DEFAULT_PROBES = 100;
export const DEFAULT_SLQ_RUNS = 5;
export const DEFAULT_SLQ_STEPS = 80;

export interface HessianRequest {
  problem: LossProblem;
  theta: Float64Array;
  executor: Executor;
  /** Dense Hessian (n HVPs) and full eigendecomposition. */
  exact?: boolean;
  /** Largest n for exact (default DEFAULT_MAX_EXACT). */
  maxExact?: number;
  /** Lanczos: the K largest eigenpairs. */
  top?: number;
  /** Lanczos: the K smallest (most negative) eigenpairs. */
  bottom?: number;
  /** Lanczos stopping tolerance (relative residual estimate), default DEFAULT_LANCZOS_TOL. */
  tol?: number;
  /** Lanczos Krylov dimension limit (default min(n, max(2K + 20, 100))). */
  maxIter?: number;
  trace?: { method: TraceMethod; probes: number };
  density?: { runs: number; steps: number; gridPoints?: number; sigma?: number };
  /** Also analyse each parameter block (layerL.weight, layerL.bias) as its own sub-Hessian. */
  blocks?: boolean;
  seed: number;
  /** Reuse an HVP graph built by createHvpGraph for this spec and data (and the executor's session). */
  hvpGraph?: HvpGraph;
  /** Compute Hutchinson probes and SLQ runs elsewhere (a worker pool); combined here in the local order. */
  remote?: RemoteProbes;
}

/**
 * The independent parts of the stochastic estimates, computed by others from the seed and their index
 * alone: probe k is the k-th Rademacher vector of the seed's sequence (rademacherSequence), and SLQ run r
 * starts from vector r of that sequence. Results come back in index order.
 */
export interface RemoteProbes {
  /** zᵀ H_b z for probes 0..probes-1 of block b. */
  traceValues(block: OperatorBlock, seed: number, probes: number): Promise<Float64Array>;
  /** The quadrature rule of each SLQ run 0..runs-1 of block b (steps already capped at the block size). */
  slqRules(block: OperatorBlock, seed: number, runs: number, steps: number): Promise<QuadratureRule[]>;
}

export interface LanczosSummary {
  iterations: number;
  converged: boolean;
  restarts: number;
  hvps: number;
}

export interface TraceSummary {
  method: TraceMethod;
  trace: number;
  standardError: number;
  probes: number;
  hvps: number;
  /** Hutch++ only: rank of the exactly traced sketch. */
  sketchRank?: number;
}

export interface DensitySummary extends SlqDensity {
  runs: number;
  steps: number;
}

/** What was computed for one operator (all of θ, or one block). */
export interface SpectrumAnalysis {
  name: string;
  /** Offset of the block in θ (0 for all of θ). */
  offset: number;
  n: number;
  /** Exact mode: all eigenvalues, ascending. */
  eigenvalues?: Float64Array;
  /** Exact mode: n×n row-major, column j belongs to eigenvalues[j]. */
  eigenvectors?: Float64Array;
  /** Exact mode: relative asymmetry of the autodiff Hessian before symmetrising. */
  asymmetry?: number;
  /** Largest Ritz pairs, descending. */
  top?: RitzPair[];
  /** Smallest Ritz pairs, ascending. */
  bottom?: RitzPair[];
  lanczos?: LanczosSummary;
  trace?: TraceSummary;
  density?: DensitySummary;
  /** HVPs spent on this operator. */
  hvps: number;
}

export interface HessianReport extends SpectrumAnalysis {
  loss: number;
  gradientNorm: number;
  blocks?: SpectrumAnalysis[];
  /** All HVPs, blocks included (the loss/gradient evaluation is not an HVP and not counted). */
  totalHvps: number;
  seconds: number;
  seed: number;
}

function checkPositiveInt(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new UserError(`${field(name)} must be a positive integer, got ${value}`);
  }
}

function validate(r: HessianRequest): void {
  checkPositiveInt(r.top, "top");
  checkPositiveInt(r.bottom, "bottom");
  checkPositiveInt(r.maxIter, "maxIter");
  checkPositiveInt(r.maxExact, "maxExact");
  if (r.trace) checkPositiveInt(r.trace.probes, "trace.probes");
  if (r.remote && r.trace?.method === "hutch++") {
    throw new UserError("a worker pool spreads Hutchinson probes and SLQ runs, not Hutch++'s sketch (one sequential chain): use the hutchinson trace method, or run without the queue");
  }
  if (r.trace?.method === "hutch++" && r.trace.probes < 3) throw new UserError(`${field("trace.probes")} must be at least 3 for Hutch++, got ${r.trace.probes}`);
  if (r.density) {
    checkPositiveInt(r.density.runs, "density.runs");
    checkPositiveInt(r.density.steps, "density.steps");
  }
  if (r.tol !== undefined && !(r.tol > 0 && Number.isFinite(r.tol))) throw new UserError(`${field("tol")} must be a positive number, got ${r.tol}`);
  if (!Number.isSafeInteger(r.seed)) throw new UserError(`${field("seed")} must be an integer, got ${r.seed}`);
  if (!r.exact && r.top === undefined && r.bottom === undefined && !r.trace && !r.density) {
    throw new UserError(`nothing to compute: choose at least one of ${field("exact")}, ${field("top")} K, ${field("bottom")} K, ${field("trace")}, ${field("density")}`);
  }
}

async function analyzeOperator(op: HessianOperator, r: HessianRequest): Promise<SpectrumAnalysis> {
  const { n } = op;
  const start = op.hvps;
  let remoteHvps = 0;
  const out: SpectrumAnalysis = { name: op.block.name, offset: op.block.offset, n, hvps: 0 };
  if (r.exact) {
    const ex = await exactSpectrum(op.matvec, n, { maxN: r.maxExact ?? DEFAULT_MAX_EXACT });
    out.eigenvalues = ex.values;
    if (ex.vectors) out.eigenvectors = ex.vectors;
    out.asymmetry = ex.asymmetry;
  }
  if (r.top !== undefined || r.bottom !== undefined) {
    const which = r.top !== undefined && r.bottom !== undefined ? "both" : r.top !== undefined ? "largest" : "smallest";
    // One Krylov space serves both ends; a block smaller than K yields all of its eigenpairs.
    const k = Math.min(Math.max(r.top ?? 0, r.bottom ?? 0), n);
    const before = op.hvps;
    const res = await lanczos(op.matvec, n, {
      k,
      which,
      tol: r.tol ?? DEFAULT_LANCZOS_TOL,
      maxIter: Math.min(n, Math.max(r.maxIter ?? Math.max(2 * k + 20, 100), k)),
      seed: r.seed
    });
    if (r.top !== undefined) out.top = res.top!.slice(0, Math.min(r.top, n));
    if (r.bottom !== undefined) out.bottom = res.bottom!.slice(0, Math.min(r.bottom, n));
    out.lanczos = { iterations: res.iterations, converged: res.converged, restarts: res.restarts, hvps: op.hvps - before };
  }
  if (r.trace) {
    const before = op.hvps;
    if (r.trace.method === "hutch++") {
      const t = await hutchPlusPlus(op.matvec, n, { matvecs: r.trace.probes, seed: r.seed });
      out.trace = { method: "hutch++", trace: t.trace, standardError: t.standardError, probes: t.probes, hvps: op.hvps - before, sketchRank: t.sketchRank };
    } else if (r.remote) {
      const t = hutchinsonFromValues(await r.remote.traceValues(op.block, r.seed, r.trace.probes));
      remoteHvps += t.matvecs;
      out.trace = { method: "hutchinson", trace: t.trace, standardError: t.standardError, probes: t.probes, hvps: t.matvecs };
    } else {
      const t = await hutchinsonTrace(op.matvec, n, { probes: r.trace.probes, seed: r.seed });
      out.trace = { method: "hutchinson", trace: t.trace, standardError: t.standardError, probes: t.probes, hvps: op.hvps - before };
    }
  }
  if (r.density && r.remote) {
    const d = slqFromRules(await r.remote.slqRules(op.block, r.seed, r.density.runs, Math.min(r.density.steps, n)), {
      runs: r.density.runs,
      ...(r.density.gridPoints !== undefined ? { gridPoints: r.density.gridPoints } : {}),
      ...(r.density.sigma !== undefined ? { sigma: r.density.sigma } : {})
    });
    remoteHvps += d.matvecs;
    out.density = { ...d, runs: r.density.runs, steps: Math.min(r.density.steps, n) };
  } else if (r.density) {
    const d = await slqDensity(op.matvec, n, {
      runs: r.density.runs,
      steps: r.density.steps,
      seed: r.seed,
      ...(r.density.gridPoints !== undefined ? { gridPoints: r.density.gridPoints } : {}),
      ...(r.density.sigma !== undefined ? { sigma: r.density.sigma } : {})
    });
    out.density = { ...d, runs: r.density.runs, steps: Math.min(r.density.steps, n) };
  }
  out.hvps = op.hvps - start + remoteHvps;
  return out;
}

export async function analyzeHessian(r: HessianRequest): Promise<HessianReport> {
  validate(r);
  const t0 = performance.now();
  const hvpGraph = r.hvpGraph ?? createHvpGraph(r.problem);
  const full = hessianOperator(r.problem, r.theta, { executor: r.executor, hvpGraph });
  const blocks: OperatorBlock[] = r.blocks ? hvpGraph.layout.blocks.map((b) => ({ name: b.name, offset: b.offset, size: b.size })) : [];
  // Refuse before spending any HVPs when a dense eigendecomposition would be too large.
  if (r.exact) {
    const maxN = r.maxExact ?? DEFAULT_MAX_EXACT;
    checkExactSize(full.n, maxN);
    for (const b of blocks) checkExactSize(b.size, maxN, `the block ${b.name}`);
  }
  const { loss, gradient } = await full.lossAndGradient();
  const whole = await analyzeOperator(full, r);
  const blockResults: SpectrumAnalysis[] = [];
  let totalHvps = whole.hvps;
  for (const b of blocks) {
    const op = hessianOperator(r.problem, r.theta, { executor: r.executor, hvpGraph, block: b });
    const res = await analyzeOperator(op, r);
    totalHvps += res.hvps;
    blockResults.push(res);
  }
  const report: HessianReport = {
    ...whole,
    loss,
    gradientNorm: norm(gradient),
    totalHvps,
    seconds: (performance.now() - t0) / 1000,
    seed: r.seed
  };
  if (r.blocks) report.blocks = blockResults;
  return report;
}
