import { interpret, type Graph, type Node } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";
import { roundF32, type Tensor } from "../ir/tensor.js";
import { checkFeeds, type Executor, type RunOptions } from "./executor.js";

export interface ReferenceOptions {
  /** Round every float32 result to float32 after each op, as float32 hardware would (default true). */
  float32Rounding?: boolean;
}

/** float32 constants rounded once, not on every run (a float32 data set would otherwise be copied per run). */
const roundedConstants = new WeakMap<Tensor, Tensor>();

function roundedConstant(t: Tensor): Tensor {
  let r = roundedConstants.get(t);
  if (!r) {
    r = { ...t, data: roundF32(t.data) };
    roundedConstants.set(t, r);
  }
  return r;
}

/** Evaluate a graph with the float64 kernels of the op records. Synchronous core of the reference executor. */
export function evaluate(
  graph: Graph,
  feeds: Readonly<Record<string, Tensor>>,
  options: RunOptions & ReferenceOptions = {}
): Record<string, Tensor> {
  checkFeeds(graph, feeds);
  const f32 = options.float32Rounding ?? true;
  return interpret<Tensor>(
    graph,
    feeds,
    (node: Node, inputs: Tensor[]) => {
      const r = getOp(node.op).eval(inputs, node.attrs, node);
      if (!f32 || node.dtype !== "float32") return r;
      return node.op === "Constant" ? roundedConstant(r) : { ...r, data: roundF32(r.data) };
    },
    options.outputs
  );
}

export function createReferenceExecutor(options: ReferenceOptions = {}): Executor {
  return {
    name: "reference",
    run: async (graph, feeds, runOptions) => evaluate(graph, feeds, { ...options, ...runOptions }),
    dispose: async () => undefined
  };
}
