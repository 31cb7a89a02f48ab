/**
 * Seeded parameter initialisation. He (Kaiming) normal for the ReLU family keeps activations' scale
 * through positively homogeneous layers; Xavier (Glorot) normal suits odd, saturating activations.
 * Biases start at zero.
 */
import { createRng } from "../../util/random.js";
import type { LossProblem } from "../problem/loss-problem.js";
import { hiddenActivations, type ActivationName } from "../spec.js";

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

/**
 * A seeded θ for the problem's layout. For an MLP "auto" follows each layer's activation; other
 * networks use He for "auto". A weight [out, in, ...kernel] has fan-in in·kernel and fan-out out·kernel;
 * vectors (biases, normalisation shifts) start at 0, except normalisation scales, which start at 1.
 */
export function initParams(problem: Pick<LossProblem, "layout" | "structure">, seed: number, scheme: InitScheme = "auto"): Float64Array {
  const rng = createRng(seed);
  const layout = problem.layout;
  const spec = problem.structure.mlp;
  const acts = spec ? hiddenActivations(spec) : [];
  const theta = new Float64Array(layout.size);
  const nLayers = spec ? spec.model.layers.length - 1 : 0;
  for (const b of layout.blocks) {
    if (b.kind !== "weight") {
      if (!spec && /(^|[._])(weight|scale|gamma)$/i.test(b.name)) theta.fill(1, b.offset, b.offset + b.size);
      continue;
    }
    const receptive = b.shape.slice(2).reduce((a, d) => a * d, 1);
    const fanOut = b.shape[0]! * receptive, fanIn = (b.shape[1] ?? 1) * receptive;
    // The output layer is followed by the loss, not a hidden activation; scale it as linear.
    const act: ActivationName | null = spec ? (b.layer < nLayers ? acts[b.layer - 1]! : spec.model.outputActivation) : null;
    const s = scheme === "auto" ? (act ? autoScheme(act) : "he") : scheme;
    const std = initStd(s, fanIn, fanOut);
    for (let k = 0; k < b.size; k++) theta[b.offset + k] = std * rng.normal();
  }
  return theta;
}
