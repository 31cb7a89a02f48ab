/**
 * 1-D regression: x uniform on [-1, 1], y = sin(3x) + noise·ε with ε standard normal (default
 * noise 0.1). sin(3x) has one hump either side of 0, so a tiny MLP fits it but not a line.
 */
import { createRng } from "../../util/random.js";
import { type Dataset, type DatasetOptions, resolveOptions } from "./dataset.js";

export function regression1dTarget(x: number): number {
  return Math.sin(3 * x);
}

export function makeRegression1d(options: DatasetOptions = {}): Dataset {
  const { n, noise, seed } = resolveOptions("regression1d", options, { n: 100, noise: 0.1 });
  const rng = createRng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 2 * rng.next() - 1;
    y[i] = regression1dTarget(x[i]!) + noise * rng.normal();
  }
  return { name: "regression1d", task: "regression", n, inputDim: 1, x, y, outputDim: 1, featureNames: ["x"] };
}
