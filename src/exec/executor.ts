import type { Graph } from "../ir/graph.js";
import type { Tensor } from "../ir/tensor.js";

export interface RunOptions {
  /** Outputs to compute (default: all). Executors skip work the requested outputs do not need. */
  outputs?: readonly string[];
}

/**
 * One interface for every float interpreter of the IR (reference float64, onnxruntime).
 * Interval and exact interpreters evaluate other number types and have their own entry points,
 * but walk the graph with the same `interpret` loop.
 */
export interface Executor {
  readonly name: string;
  run(graph: Graph, feeds: Readonly<Record<string, Tensor>>, options?: RunOptions): Promise<Record<string, Tensor>>;
  /** Release cached sessions/native memory. */
  dispose(): Promise<void>;
}

export function checkFeeds(graph: Graph, feeds: Readonly<Record<string, Tensor>>): void {
  for (const i of graph.inputs) {
    const node = graph.nodes[i.id]!;
    const f = feeds[i.name];
    if (!f) throw new Error(`missing feed for graph input "${i.name}"`);
    if (f.shape.length !== node.shape.length || f.shape.some((d, k) => d !== node.shape[k])) {
      throw new Error(`feed "${i.name}" has shape [${f.shape.join(",")}], the graph expects [${node.shape.join(",")}]`);
    }
  }
}
