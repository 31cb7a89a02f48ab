/**
 * The two-point dataset of the seed answer (Math StackExchange): x = [[1], [-1]], y = [[1], [-1]].
 * With a one-hidden-layer ReLU net it already gives a non-convex squared loss, which is the point.
 */
import type { Dataset } from "./dataset.js";

export function makeSeedDataset(): Dataset {
  return {
    name: "seed",
    task: "regression",
    n: 2,
    inputDim: 1,
    x: Float64Array.of(1, -1),
    y: Float64Array.of(1, -1),
    outputDim: 1
  };
}
