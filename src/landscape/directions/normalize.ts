/**
 * Direction normalisation (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets").
 * A random direction's scale is meaningless next to θ's: a network with ReLUs computes the same
 * function when a unit's incoming weights are scaled by c and its outgoing ones by 1/c. So each group
 * of the direction is rescaled to the norm of the same group of θ:
 *   filter: a group is one output unit — row r of a weight matrix (out×in), plus bias entry r when
 *           biases are included (the unit's whole incoming parameter set);
 *   layer:  a group is one layer's weight matrix (plus its bias when included);
 *   none:   the direction is left as drawn.
 * With ignoreBias (Li et al.'s "biasbn") every bias entry of the direction is set to zero, so the
 * plane only moves the weights.
 */
import type { ParamLayout } from "../../model/layout.js";

export type Normalization = "filter" | "layer" | "none";
export const NORMALIZATIONS: readonly Normalization[] = ["filter", "layer", "none"];

export interface NormalizeOptions {
  normalization: Normalization;
  ignoreBias: boolean;
}

/** Index groups that are rescaled together (each an ascending list of θ indices). */
export function normalizationGroups(layout: ParamLayout, o: NormalizeOptions): number[][] {
  if (o.normalization === "none") return [];
  const groups: number[][] = [];
  for (const w of layout.blocks) {
    if (w.kind !== "weight") continue;
    // One filter per entry of the first axis: a row of a dense weight, an output channel of a conv kernel.
    const out = w.shape[0] ?? 1, inp = w.size / out;
    const bias = o.ignoreBias ? undefined : attachedBias(layout, w.layer, out);
    if (o.normalization === "layer") {
      const g: number[] = [];
      for (let k = 0; k < w.size; k++) g.push(w.offset + k);
      if (bias) for (let k = 0; k < bias.size; k++) g.push(bias.offset + k);
      groups.push(g);
      continue;
    }
    for (let r = 0; r < out; r++) {
      const g: number[] = [];
      for (let c = 0; c < inp; c++) g.push(w.offset + r * inp + c);
      if (bias) g.push(bias.offset + r);
      groups.push(g);
    }
  }
  if (!o.ignoreBias) {
    // Vectors that belong to no weight (a normalisation layer's scale and shift) are rescaled as one group each.
    for (const b of layout.blocks) {
      if (b.kind !== "bias") continue;
      const w = layout.blocks.find((x) => x.kind === "weight" && x.layer === b.layer);
      if (w && attachedBias(layout, b.layer, w.shape[0] ?? 1) === b) continue;
      groups.push(Array.from({ length: b.size }, (_, k) => b.offset + k));
    }
  }
  return groups;
}

/** The bias of a layer's weight: one entry per output unit or channel. */
function attachedBias(layout: ParamLayout, layer: number, units: number): ParamLayout["blocks"][number] | undefined {
  return layout.blocks.find((b) => b.kind === "bias" && b.layer === layer && b.size === units);
}

/** A normalised copy of d (d itself is not changed). A group where d is zero stays zero. */
export function normalizeDirection(d: Float64Array, theta: Float64Array, layout: ParamLayout, o: NormalizeOptions): Float64Array {
  if (d.length !== layout.size || theta.length !== layout.size) throw new Error(`normalizeDirection: sizes ${d.length}, ${theta.length}, layout ${layout.size}`);
  const out = Float64Array.from(d);
  if (o.ignoreBias) {
    for (const b of layout.blocks) if (b.kind === "bias") out.fill(0, b.offset, b.offset + b.size);
  }
  for (const g of normalizationGroups(layout, o)) {
    let dn = 0, tn = 0;
    for (const i of g) {
      dn += out[i]! * out[i]!;
      tn += theta[i]! * theta[i]!;
    }
    const s = dn > 0 ? Math.sqrt(tn) / Math.sqrt(dn) : 0;
    for (const i of g) out[i] = out[i]! * s;
  }
  return out;
}
