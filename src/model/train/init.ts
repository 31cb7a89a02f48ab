/**
 * Seeded parameter initialisation. He (Kaiming) normal for the ReLU family keeps activations' scale
 * through positively homogeneous layers; Xavier (Glorot) normal suits odd, saturating activations.
 * Biases start at zero.
 */
import { createRng } from "../../util/random.js";
import type { ParamLayout } from "../layout.js";
import { hiddenActivations, type ActivationName, type ModelSpec } from "../spec.js";

export type InitScheme = "auto" | "he" | "xavier";
export const INIT_SCHEMES: readonly InitScheme[] = ["auto", "he", "xavier"];

const HE_ACTIVATIONS: readonly ActivationName[] = ["relu", "leaky_relu", "abs", "elu", "gelu", "silu"];

/** The scheme "auto" picks for the activation that follows a layer. */
export function autoScheme(activation: ActivationName): "he" | "xavier" {
  return HE_ACTIVATIONS.includes(activation) ? "he" : "xavier";
}

/** Standard deviation of a weight entry for a layer with the given fan-in and fan-out. */
export function initStd(scheme: "he" | "xavier", fanIn: number, fanOut: number): number {
  return scheme === "he" ? Math.sqrt(2 / fanIn) : Math.sqrt(2 / (fanIn + fanOut));
}

export function initParams(spec: ModelSpec, layout: ParamLayout, seed: number, scheme: InitScheme = "auto"): Float64Array {
  const rng = createRng(seed);
  const acts = hiddenActivations(spec);
  const theta = new Float64Array(layout.size);
  const nLayers = spec.model.layers.length - 1;
  for (const b of layout.blocks) {
    if (b.kind !== "weight") continue;
    const [fanOut, fanIn] = b.shape as [number, number];
    // The output layer is followed by the loss, not a hidden activation; scale it as linear.
    const act: ActivationName = b.layer < nLayers ? acts[b.layer - 1]! : spec.model.outputActivation;
    const s = scheme === "auto" ? autoScheme(act) : scheme;
    const std = initStd(s, fanIn, fanOut);
    for (let k = 0; k < b.size; k++) theta[b.offset + k] = std * rng.normal();
  }
  return theta;
}
