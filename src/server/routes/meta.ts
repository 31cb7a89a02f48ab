/** GET /api/meta: what the pages offer — presets, examples, data sets, activations, losses, caps, features. */
import { EXAMPLES } from "../../model/examples.js";
import { listDatasets, loadDataset } from "../../model/datasets/registry.js";
import { ACTIVATIONS, LOSSES } from "../../model/spec.js";
import { VERSION } from "../../version.js";
import { CAPS } from "../api-schemas.js";

export const CURVATURE_PRESETS = [
  { name: "sigmoid", expression: "sigmoid(x)", note: "f'' changes sign at 0: convex to the left, concave to the right" },
  { name: "ReLU", expression: "relu(x)", note: "convex (DCP)" },
  { name: "ReLU hat", expression: "relu(x+1) - 2*relu(x) + relu(x-1)", note: "a ReLU combination: kinks +1, −2, +1" },
  { name: "abs(abs(x)−1)", expression: "abs(abs(x)-1)", note: "convex of convex, yet two minima" },
  { name: "(x²−1)²", expression: "(x^2-1)^2", note: "a smooth double well" },
  { name: "sqrt(1+x²)", expression: "sqrt(1+x^2)", note: "convex by interval proof; DCP says unknown" },
] as const;

/**
 * Input width, number of outputs and default sample count of each built-in data set, so the page can
 * size a network for it and count the optimiser steps of a run before it starts.
 */
let shapes: Record<string, { inputDim: number; outputs: number; samples: number }> | undefined;
function datasetShapes(): Record<string, { inputDim: number; outputs: number; samples: number }> {
  shapes ??= Object.fromEntries(
    listDatasets().map((d) => {
      if (d.name === "mnist") return [d.name, { inputDim: 784, outputs: 10, samples: 10000 }];
      const ds = loadDataset(d.name);
      return [d.name, { inputDim: ds.inputDim, outputs: ds.classes ?? ds.outputDim, samples: ds.n }];
    })
  );
  return shapes;
}

export function metaRoute(features: Readonly<Record<string, boolean>>): Record<string, unknown> {
  return {
    version: VERSION,
    curvaturePresets: CURVATURE_PRESETS,
    examples: EXAMPLES.filter((e) => e.name !== "mnist-mlp").map((e) => ({ name: e.name, description: e.description, spec: e.spec, params: e.params ?? null })),
    datasets: listDatasets().map((d) => ({ ...d, ...datasetShapes()[d.name] })),
    activations: ACTIVATIONS,
    losses: LOSSES,
    caps: CAPS,
    features,
  };
}
