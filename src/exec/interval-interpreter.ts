/**
 * The interval interpreter: evaluates a graph over boxes with each op's `interval` kernel. Every
 * output interval encloses the graph's exact real value for every input inside the input boxes
 * (outward rounding in every kernel), which is what lets a certificate bound a loss rigorously.
 */
import { interpret, type Graph } from "../ir/graph.js";
import { pointTensor, type IntervalTensor } from "../ir/interval-tensor.js";
import { getOp } from "../ir/registry.js";
import type { Tensor } from "../ir/tensor.js";

export type { IntervalTensor } from "../ir/interval-tensor.js";
export { intervalTensor, pointTensor } from "../ir/interval-tensor.js";

export function evaluateInterval(
  graph: Graph,
  feeds: Readonly<Record<string, IntervalTensor>>,
  outputs?: readonly string[]
): Record<string, IntervalTensor> {
  return interpret<IntervalTensor>(
    graph,
    feeds,
    (node, inputs) => {
      const op = getOp(node.op);
      if (!op.interval) throw new Error(`op ${node.op} (node %${node.id}) has no interval kernel`);
      return op.interval(inputs, node.attrs, node);
    },
    outputs
  );
}

/** Point boxes around float64 feeds: the enclosure of the graph's exact value at exactly these inputs. */
export function evaluateIntervalAt(
  graph: Graph,
  feeds: Readonly<Record<string, Tensor>>,
  outputs?: readonly string[]
): Record<string, IntervalTensor> {
  const boxes: Record<string, IntervalTensor> = {};
  for (const [k, v] of Object.entries(feeds)) boxes[k] = pointTensor(v);
  return evaluateInterval(graph, boxes, outputs);
}
