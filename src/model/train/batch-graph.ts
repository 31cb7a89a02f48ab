/**
 * Loss graphs for training. A mini-batch graph takes the batch as INPUTS (x, t) so one ONNX session
 * serves every batch of that size — the batch changes each step, and at a few hundred rows it is cheap
 * to feed. A full-batch graph bakes the data in as constants (ONNX initializers) so nothing but θ is fed.
 */
import { grad } from "../../autodiff/grad.js";
import { GraphBuilder, type Value } from "../../ir/builder.js";
import type { Graph } from "../../ir/graph.js";
import { tensor, type Tensor } from "../../ir/tensor.js";
import type { ParamLayout } from "../layout.js";
import { accuracy } from "../losses.js";
import { mlpLoss } from "../mlp.js";
import type { ModelSpec } from "../spec.js";

export type FloatType = "float32" | "float64";

export interface LossGraph {
  graph: Graph;
  hasAccuracy: boolean;
}

function lossGraph(spec: ModelSpec, layout: ParamLayout, dtype: FloatType, data: (g: GraphBuilder) => { x: Value; t: Value }): LossGraph {
  const g = new GraphBuilder(dtype);
  const theta = g.input("theta", [layout.size]);
  const { x, t } = data(g);
  const { loss, out } = mlpLoss(g, spec, layout, theta, x, t);
  const outputs: Record<string, Value> = { loss };
  const acc = accuracy(g, spec, out, t);
  if (acc) outputs["accuracy"] = acc;
  return { graph: g.build(outputs), hasAccuracy: acc !== null };
}

/** Inputs theta [P], x [batch, in], t [batch, k]; outputs loss, accuracy (classification) and grad:theta. */
export function batchGradGraph(spec: ModelSpec, layout: ParamLayout, batch: number, targetWidth: number, dtype: FloatType): LossGraph {
  const inputDim = spec.model.layers[0]!;
  const lg = lossGraph(spec, layout, dtype, (g) => ({ x: g.input("x", [batch, inputDim]), t: g.input("t", [batch, targetWidth]) }));
  return { graph: grad(lg.graph, { of: "loss", wrt: ["theta"] }), hasAccuracy: lg.hasAccuracy };
}

/** The whole data set as constants; with `withGrad` it also outputs grad:theta. */
export function fullDataGraph(spec: ModelSpec, layout: ParamLayout, x: Tensor, t: Tensor, dtype: FloatType, withGrad: boolean): LossGraph {
  const lg = lossGraph(spec, layout, dtype, (g) => ({
    x: g.constant(tensor(x.shape, x.data, dtype)),
    t: g.constant(tensor(t.shape, t.data, dtype))
  }));
  return withGrad ? { graph: grad(lg.graph, { of: "loss", wrt: ["theta"] }), hasAccuracy: lg.hasAccuracy } : lg;
}
