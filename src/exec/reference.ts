import { interpret, type Graph, type Node } from "../ir/graph.js";
import { getOp } from "../ir/registry.js";
import { roundF32, type Tensor } from "../ir/tensor.js";
import { checkFeeds, type Executor, type RunOptions } from "./executor.js";

export interface ReferenceOptions {
  /** Round every float32 result to float32 after each op, as float32 hardware would (default true). */
  float32Rounding?: boolean;
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
      return f32 && node.dtype === "float32" ? { ...r, data: roundF32(r.data) } : r;
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
