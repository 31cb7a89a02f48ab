/**
 * An MLP's permutation symmetries: the units of each hidden layer l. Unit i owns row i of
 * layer{l}.weight, entry i of layer{l}.bias and column i of layer{l+1}.weight; every activation acts
 * unit by unit, so any reordering of them keeps the function. Input and output units stay fixed.
 */
import { applyActivation } from "../model/activations.js";
import { mlpLayout } from "../model/layout.js";
import { layerParams } from "../model/mlp-forward.js";
import { hiddenActivations, type ModelSpec } from "../model/spec.js";
import type { GroupTap, SymmetryStructure, UnitGroup } from "./structure.js";

export function mlpSymmetry(spec: ModelSpec): SymmetryStructure {
  const layout = mlpLayout(spec);
  const sizes = spec.model.layers;
  const groups: UnitGroup[] = [];
  for (let l = 1; l < sizes.length - 1; l++) {
    groups.push({
      name: `layer${l}`,
      size: sizes[l]!,
      members: [
        { tensor: `layer${l}.weight`, kind: "param", axis: 0, stride: 1 },
        ...(spec.model.bias ? [{ tensor: `layer${l}.bias`, kind: "param" as const, axis: 0, stride: 1 }] : []),
        { tensor: `layer${l + 1}.weight`, kind: "param", axis: 1, stride: 1, reads: true }
      ]
    });
  }
  const acts = hiddenActivations(spec);
  const opts = { leakyReluAlpha: spec.model.leakyReluAlpha, eluAlpha: spec.model.eluAlpha };
  return {
    groups,
    unpermuted: [],
    shapes: new Map(layout.blocks.map((b) => [b.name, b.shape])),
    buffers: {},
    build(g, theta, x) {
      const layers = layerParams(g, layout, theta);
      const taps = new Map<string, GroupTap>();
      let h = x;
      layers.forEach((p, k) => {
        const z = g.gemm(h, p.weight, p.bias, { transB: true });
        const hidden = k < layers.length - 1;
        h = applyActivation(g, hidden ? acts[k]! : spec.model.outputActivation, z, opts);
        if (hidden) taps.set(`layer${k + 1}`, { value: h, axis: 1 });
      });
      return { out: h, taps };
    }
  };
}
