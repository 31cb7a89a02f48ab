/**
 * Is a loss convex in its flat parameter input (or in one block of it, the rest held fixed)? DCP on
 * the graph first — a proof, and then no search can contradict it — otherwise a search for a Jensen
 * violation whose certificate is re-checked rigorously. Graph-level: no knowledge of models; callers
 * pass symmetry pairs and reference points.
 */
import type { Executor } from "../../exec/executor.js";
import type { Graph } from "../../ir/graph.js";
import { tensor, type Tensor } from "../../ir/tensor.js";
import { analyzeDcp, brokenClauses, dcpTree, type DcpTree } from "../dcp/analyze-dcp.js";
import { LossOracle } from "./loss-oracle.js";
import { BLOCK_INPUT, REST_INPUT, joinTheta, restrictToBlock, splitTheta, type BlockRange } from "./restrict-input.js";
import { searchJensen, type FoundViolation, type JensenCandidate, type JensenSearchResult, type JensenStrategy, type StrategyReport } from "./search-jensen.js";
import { verifyJensen, type LossGraphRef } from "./verify-jensen.js";

export type ConvexityVerdict = "convex" | "nonconvex" | "unknown";

export interface DcpProof {
  readonly method: "DCP";
  /** "convex" or "affine" (affine is convex too). */
  readonly curvature: string;
  readonly summary: string;
  readonly tree: DcpTree;
}

export interface SearchSummary {
  /** The strategy that found the certificate, or the ones tried. */
  readonly strategy: string;
  readonly evaluations: number;
  readonly seconds: number;
  readonly timedOut: boolean;
  readonly reports: readonly StrategyReport[];
  /** A candidate whose rigorous check did not fit in the budget (see JensenSearchResult). */
  readonly unverified?: JensenSearchResult["unverified"];
}

export interface LossConvexityResult {
  readonly verdict: ConvexityVerdict;
  readonly proof?: DcpProof;
  /** A verified violation, with θa and θb in the full parameter space. */
  readonly violation?: FoundViolation;
  /** Why DCP could not prove convexity (its first broken clauses). */
  readonly dcpBroken: readonly string[];
  readonly search?: SearchSummary;
}

export interface LossConvexityOptions {
  readonly graph: Graph;
  readonly input: string;
  readonly output: string;
  readonly executor: Executor;
  readonly seed: number;
  /** Wall-clock budget of the search in seconds. */
  readonly budgetSeconds: number;
  readonly symmetry?: () => Iterable<JensenCandidate>;
  readonly starts?: readonly Float64Array[];
  readonly strategies?: readonly JensenStrategy[];
}

function dcpProof(graph: Graph, wrt: string, output: string): { proof?: DcpProof; broken: string[] } {
  const r = analyzeDcp(graph, { wrt: [wrt], of: output });
  if (r.curvature === "convex" || r.curvature === "affine" || r.curvature === "constant") {
    const tree = dcpTree(r);
    return {
      proof: { method: "DCP", curvature: r.curvature, summary: `${r.curvature} by the DCP composition rules: ${tree.rule}`, tree },
      broken: []
    };
  }
  return { broken: brokenClauses(r) };
}

function summarize(r: JensenSearchResult, found: FoundViolation | undefined): SearchSummary {
  const strategy = found ? found.candidate.strategy : r.reports.map((x) => x.strategy).join(", ") || "none";
  return { strategy, evaluations: r.evaluations, seconds: r.seconds, timedOut: r.timedOut, reports: r.reports, ...(r.unverified ? { unverified: r.unverified } : {}) };
}

export async function analyzeLossConvexity(o: LossConvexityOptions): Promise<LossConvexityResult> {
  const { proof, broken } = dcpProof(o.graph, o.input, o.output);
  if (proof) return { verdict: "convex", proof, dcpBroken: [] };
  const ref: LossGraphRef = { graph: o.graph, input: o.input, output: o.output };
  const oracle = new LossOracle(o.graph, o.input, o.output, o.executor);
  const r = await searchJensen(oracle, {
    seed: o.seed,
    deadline: Date.now() + o.budgetSeconds * 1000,
    verify: (c) => verifyJensen(ref, c),
    ...(o.symmetry ? { symmetry: o.symmetry } : {}),
    ...(o.starts ? { starts: o.starts } : {}),
    ...(o.strategies ? { strategies: o.strategies } : {})
  });
  return {
    verdict: r.found ? "nonconvex" : "unknown",
    ...(r.found ? { violation: r.found } : {}),
    dcpBroken: broken,
    search: summarize(r, r.found)
  };
}

export interface BlockConvexityOptions extends Omit<LossConvexityOptions, "symmetry"> {
  readonly range: BlockRange;
  /** Values of every parameter; the ones outside the block stay fixed during the search. */
  readonly theta0: Float64Array;
}

/**
 * Convexity in θ[offset, offset+size) with the other parameters fixed. The DCP proof treats the other
 * parameters as constants of unknown value, so it holds for every setting of them; a certificate
 * is for the given setting theta0 (both points share it outside the block).
 */
export async function analyzeBlockConvexity(o: BlockConvexityOptions): Promise<LossConvexityResult> {
  const restricted = restrictToBlock(o.graph, o.input, o.range);
  const { proof, broken } = dcpProof(restricted, BLOCK_INPUT, o.output);
  if (proof) return { verdict: "convex", proof, dcpBroken: [] };
  const { block, rest } = splitTheta(o.theta0, o.range);
  const fixed: Record<string, Tensor> = restricted.inputs.some((i) => i.name === REST_INPUT) ? { [REST_INPUT]: tensor([rest.length], rest) } : {};
  const oracle = new LossOracle(restricted, BLOCK_INPUT, o.output, o.executor, fixed);
  const full = (c: JensenCandidate): JensenCandidate => ({ ...c, thetaA: joinTheta(c.thetaA, rest, o.range), thetaB: joinTheta(c.thetaB, rest, o.range) });
  const ref: LossGraphRef = { graph: o.graph, input: o.input, output: o.output };
  const r = await searchJensen(oracle, {
    seed: o.seed,
    deadline: Date.now() + o.budgetSeconds * 1000,
    verify: (c) => verifyJensen(ref, full(c)),
    starts: [block, ...(o.starts ?? []).map((s) => splitTheta(s, o.range).block)],
    ...(o.strategies ? { strategies: o.strategies } : {})
  });
  const found = r.found ? { ...r.found, candidate: full(r.found.candidate) } : undefined;
  return {
    verdict: found ? "nonconvex" : "unknown",
    ...(found ? { violation: found } : {}),
    dcpBroken: broken,
    search: summarize(r, found)
  };
}
