import { GraphBuilder, type NodeRule, type Value } from "./builder.js";
import { isFloat } from "./dtype.js";
import type { Graph, Node } from "./graph.js";
import { roundF32, type Tensor } from "./tensor.js";

/**
 * Copy a graph node by node, letting `rule` replace any node with other IR (return undefined to keep it).
 * Every graph transform that is not autodiff (dtype conversion, decomposition for a backend) is one of these.
 */
export function rewriteGraph(graph: Graph, rule: NodeRule, floatType: "float32" | "float64" = floatTypeOf(graph)): Graph {
  const { g, values } = GraphBuilder.fromGraph(graph, floatType, rule);
  const outs: Record<string, Value> = {};
  for (const o of graph.outputs) outs[o.name] = values[o.id]!;
  return g.build(outs);
}

export function floatTypeOf(graph: Graph): "float32" | "float64" {
  return graph.nodes.some((n) => n.dtype === "float32") && !graph.nodes.some((n) => n.dtype === "float64") ? "float32" : "float64";
}

/** The same computation in another float type: inputs, constants and Cast targets change, shapes stay. */
export function withFloatType(graph: Graph, to: "float32" | "float64"): Graph {
  if (floatTypeOf(graph) === to && !graph.nodes.some((n) => isFloat(n.dtype) && n.dtype !== to)) return graph;
  return rewriteGraph(
    graph,
    (g, n, ins) => {
      if (n.op === "Input" && isFloat(n.dtype)) return g.input(n.attrs["name"] as string, n.shape, to);
      if (n.op === "Constant") {
        const t = n.attrs["value"] as Tensor;
        if (!isFloat(t.dtype) || t.dtype === to) return undefined;
        return g.constant({ dtype: to, shape: t.shape, data: to === "float32" ? roundF32(t.data) : t.data });
      }
      if (n.op === "Cast" && isFloat(n.attrs["to"] as Node["dtype"])) {
        return g.cast(ins[0]!, to);
      }
      return undefined;
    },
    to
  );
}
