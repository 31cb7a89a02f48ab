import type { Graph } from "../ir/graph.js";
import type { Dataset } from "./datasets/dataset.js";
import type { ParamLayout } from "./layout.js";
import type { ModelSpec } from "./spec.js";
import { mlpProblem } from "./problem/from-mlp.js";
import { lossGraph } from "./problem/loss-graph.js";

export { layerParams, mlpForward, type LayerParams } from "./mlp-forward.js";

export interface ModelGraph {
  graph: Graph;
  layout: ParamLayout;
  /** Name of the parameter input (flat θ). */
  paramInput: "theta";
  hasAccuracy: boolean;
}

/**
 * The loss of an MLP spec as a graph of θ: input "theta" [P]; the data set is baked in as constants
 * (ONNX initializers). Outputs "loss", plus "accuracy" for classification losses. A shorthand for
 * lossGraph(mlpProblem(spec, ds)).
 */
export function buildModelGraph(
  spec: ModelSpec,
  ds: Dataset,
  opts: { dtype?: "float32" | "float64"; withAccuracy?: boolean; withOutput?: boolean } = {}
): ModelGraph {
  const p = mlpProblem(spec, ds);
  const { graph, hasAccuracy } = lossGraph(p, opts);
  return { graph, layout: p.layout, paramInput: "theta", hasAccuracy };
}
