/**
 * 2-D regression: (x1, x2) uniform on [-1, 1]², y = sin(πx1)·cos(πx2) + noise·ε with ε standard
 * normal (default noise 0.1). A smooth non-convex surface with two bumps and two dips.
 */
import { createRng } from "../../util/random.js";
import { type Dataset, type DatasetOptions, resolveOptions } from "./dataset.js";

export function regression2dTarget(x1: number, x2: number): number {
  return Math.sin(Math.PI * x1) * Math.cos(Math.PI * x2);
}

export function makeRegression2d(options: DatasetOptions = {}): Dataset {
  const { n, noise, seed } = resolveOptions("regression2d", options, { n: 200, noise: 0.1 });
  const rng = createRng(seed);
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * rng.next() - 1;
    const b = 2 * rng.next() - 1;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = regression2dTarget(a, b) + noise * rng.normal();
  }
  return { name: "regression2d", task: "regression", n, inputDim: 2, x, y, outputDim: 1, featureNames: ["x1", "x2"] };
}
