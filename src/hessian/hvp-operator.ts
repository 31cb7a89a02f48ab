/**
 * The Hessian of a model's loss at θ as a symmetric operator v ↦ H v. One HVP graph (forward over
 * reverse) is built per model and data set and fed θ and the tangent on every call, so an ONNX
 * Runtime executor compiles one session and reuses it for every product, every block and every θ.
 */
import { hvp, hvpName } from "../autodiff/hvp.js";
import { gradName } from "../autodiff/grad.js";
import { tangentName } from "../autodiff/jvp.js";
import type { Executor } from "../exec/executor.js";
import type { Graph } from "../ir/graph.js";
import { tensor } from "../ir/tensor.js";
import type { ParamBlock, ParamLayout } from "../model/layout.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { lossGraph } from "../model/problem/loss-graph.js";
import { UserError } from "../util/errors.js";
import type { MatVec } from "../num/linalg/index.js";

const PARAM_INPUT = "theta";

/** The loss's HVP graph: inputs "theta" and "tangent:theta"; outputs "loss", "grad:theta", "hvp:theta". */
export interface HvpGraph {
  graph: Graph;
  layout: ParamLayout;
}

export function createHvpGraph(problem: LossProblem): HvpGraph {
  const { graph } = lossGraph(problem, { withAccuracy: false });
  return { graph: hvp(graph, { of: "loss", wrt: [PARAM_INPUT] }), layout: problem.layout };
}

/** A block of θ (a layer's weight or bias), or the whole vector. */
export interface OperatorBlock {
  name: string;
  offset: number;
  size: number;
}

export interface HessianOperatorOptions {
  executor: Executor;
  /** Restrict to the sub-Hessian of one block: a layout block name or an explicit slice. */
  block?: string | OperatorBlock;
  /** Reuse an HVP graph (and with it the executor's compiled session) across operators. */
  hvpGraph?: HvpGraph;
}

export interface HessianOperator {
  /** Dimension of the operator (the block size, or P). */
  n: number;
  /** v ↦ H v (or H_bb v for a block b); every call is one HVP. */
  matvec: MatVec;
  /** HVPs evaluated so far through this operator. */
  readonly hvps: number;
  layout: ParamLayout;
  block: OperatorBlock;
  hvpGraph: HvpGraph;
  /** Loss and gradient at θ, from the same graph (computed on the first product, or on demand). */
  lossAndGradient(): Promise<{ loss: number; gradient: Float64Array }>;
}

export function checkTheta(theta: Float64Array, layout: ParamLayout, where = "θ"): void {
  if (theta.length !== layout.size) {
    throw new UserError(`${where} has ${theta.length} values, but the model has ${layout.size} parameters`);
  }
  for (let i = 0; i < theta.length; i++) {
    if (!Number.isFinite(theta[i]!)) throw new UserError(`${where}: value ${i} is ${theta[i]}, not finite`);
  }
}

function resolveBlock(layout: ParamLayout, block: string | OperatorBlock | undefined): OperatorBlock {
  if (block === undefined) return { name: "all", offset: 0, size: layout.size };
  if (typeof block === "string") {
    const b: ParamBlock | undefined = layout.blocks.find((x) => x.name === block);
    if (!b) {
      throw new UserError(`no parameter block "${block}" (the model has ${layout.blocks.map((x) => x.name).join(", ")})`);
    }
    return { name: b.name, offset: b.offset, size: b.size };
  }
  if (!Number.isInteger(block.offset) || !Number.isInteger(block.size) || block.offset < 0 || block.size < 1 ||
    block.offset + block.size > layout.size) {
    throw new UserError(`block ${block.name} [${block.offset}, ${block.offset + block.size}) is not inside θ [0, ${layout.size})`);
  }
  return { ...block };
}

export function hessianOperator(problem: LossProblem, theta: Float64Array, options: HessianOperatorOptions): HessianOperator {
  const hvpGraph = options.hvpGraph ?? createHvpGraph(problem);
  const { graph, layout } = hvpGraph;
  checkTheta(theta, layout);
  const block = resolveBlock(layout, options.block);
  const P = layout.size;
  // Private copy: the caller may go on to modify its θ.
  const thetaTensor = tensor([P], theta.slice());
  const executor = options.executor;
  const outputs = [hvpName(PARAM_INPUT)];
  let hvps = 0;

  const matvec = async (v: Float64Array): Promise<Float64Array> => {
    if (v.length !== block.size) throw new Error(`hessianOperator: vector has ${v.length} entries, expected ${block.size}`);
    // A block's sub-Hessian H_bb v is the b-rows of H applied to v placed in b and zero elsewhere.
    const full = new Float64Array(P);
    full.set(v, block.offset);
    const r = await executor.run(graph, { [PARAM_INPUT]: thetaTensor, [tangentName(PARAM_INPUT)]: tensor([P], full) }, { outputs });
    hvps++;
    const hv = r[hvpName(PARAM_INPUT)]!.data;
    return block.offset === 0 && block.size === P ? Float64Array.from(hv) : hv.slice(block.offset, block.offset + block.size);
  };

  let cached: { loss: number; gradient: Float64Array } | null = null;
  const lossAndGradient = async (): Promise<{ loss: number; gradient: Float64Array }> => {
    if (cached) return cached;
    const r = await executor.run(graph, { [PARAM_INPUT]: thetaTensor, [tangentName(PARAM_INPUT)]: tensor([P], new Float64Array(P)) },
      { outputs: ["loss", gradName(PARAM_INPUT)] });
    cached = { loss: r["loss"]!.data[0]!, gradient: Float64Array.from(r[gradName(PARAM_INPUT)]!.data) };
    return cached;
  };

  return {
    n: block.size,
    matvec,
    get hvps() { return hvps; },
    layout,
    block,
    hvpGraph,
    lossAndGradient
  };
}
