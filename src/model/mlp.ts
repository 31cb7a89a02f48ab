import { GraphBuilder, type Value } from "../ir/builder.js";
import type { Graph } from "../ir/graph.js";
import { tensor } from "../ir/tensor.js";
import { applyActivation } from "./activations.js";
import type { Dataset } from "./datasets/dataset.js";
import { mlpLayout, type ParamLayout } from "./layout.js";
import { accuracy, dataLoss, prepareTargets } from "./losses.js";
import { hiddenActivations, type ModelSpec } from "./spec.js";
import { checkDataFitsModel } from "./data.js";

export interface LayerParams {
  weight: Value;
  bias?: Value;
}

/** Slice θ into per-layer weight (out×in) and bias values. */
export function layerParams(g: GraphBuilder, layout: ParamLayout, theta: Value): LayerParams[] {
  const layers: LayerParams[] = [];
  for (const b of layout.blocks) {
    const v = g.reshape(g.slice(theta, [b.offset], [b.offset + b.size], [0]), b.shape);
    if (b.kind === "weight") layers.push({ weight: v });
    else layers[layers.length - 1]!.bias = v;
  }
  return layers;
}

/** N(X) for a batch X (n×in): h ← act(h Wᵀ + b) layer by layer, the output activation last. */
export function mlpForward(g: GraphBuilder, spec: ModelSpec, layers: readonly LayerParams[], x: Value): Value {
  const acts = hiddenActivations(spec);
  const opts = { leakyReluAlpha: spec.model.leakyReluAlpha, eluAlpha: spec.model.eluAlpha };
  let h = x;
  layers.forEach((p, l) => {
    const z = g.gemm(h, p.weight, p.bias, { transB: true });
    h = applyActivation(g, l < layers.length - 1 ? acts[l]! : spec.model.outputActivation, z, opts);
  });
  return h;
}

/** (λ/2)‖θ‖² — its gradient λθ is what optimisers call weight decay. */
export function l2Penalty(g: GraphBuilder, spec: ModelSpec, theta: Value): Value | null {
  return spec.l2 > 0 ? g.mul(spec.l2 / 2, g.reduceSum(g.mul(theta, theta))) : null;
}

/**
 * The training objective on a batch x with targets t: data loss plus the L2 penalty, and the network
 * output. Training and every analysis build their loss here, so they see the same function of θ.
 */
export function mlpLoss(g: GraphBuilder, spec: ModelSpec, layout: ParamLayout, theta: Value, x: Value, t: Value): { loss: Value; out: Value } {
  const out = mlpForward(g, spec, layerParams(g, layout, theta), x);
  const data = dataLoss(g, spec, out, t);
  const pen = l2Penalty(g, spec, theta);
  return { loss: pen ? g.add(data, pen) : data, out };
}

export interface ModelGraph {
  graph: Graph;
  layout: ParamLayout;
  /** Name of the parameter input (flat θ). */
  paramInput: "theta";
  hasAccuracy: boolean;
}

/**
 * The loss as a graph of θ: input "theta" [P]; the data set is baked in as constants (ONNX initializers),
 * so only θ changes between runs. Outputs "loss", plus "accuracy" for classification losses.
 */
export function buildModelGraph(
  spec: ModelSpec,
  ds: Dataset,
  opts: { dtype?: "float32" | "float64"; withAccuracy?: boolean; withOutput?: boolean } = {}
): ModelGraph {
  checkDataFitsModel(spec, ds);
  const dtype = opts.dtype ?? "float64";
  const layout = mlpLayout(spec);
  const g = new GraphBuilder(dtype);
  const theta = g.input("theta", [layout.size]);
  const X = g.constant(tensor([ds.n, ds.inputDim], ds.x, dtype));
  const T = g.constant(prepareTargets(spec, ds, dtype));
  const { loss, out } = mlpLoss(g, spec, layout, theta, X, T);
  const outputs: Record<string, Value> = { loss };
  const acc = opts.withAccuracy === false ? null : accuracy(g, spec, out, T);
  if (acc) outputs["accuracy"] = acc;
  if (opts.withOutput) outputs["output"] = out;
  return { graph: g.build(outputs), layout, paramInput: "theta", hasAccuracy: acc !== null };
}
