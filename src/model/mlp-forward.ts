import type { GraphBuilder, Value } from "../ir/builder.js";
import { applyActivation } from "./activations.js";
import type { ParamLayout } from "./layout.js";
import { hiddenActivations, type ModelSpec } from "./spec.js";

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
