/**
 * Two concentric circles: class 0 on the unit circle, class 1 on radius 0.5, angles uniform,
 * Gaussian noise (default σ = 0.05) added to both coordinates. Not linearly separable; separable by
 * the radius, so a small ReLU net learns it.
 */
import { createRng } from "../../util/random.js";
import { type Dataset, type DatasetOptions, resolveOptions } from "./dataset.js";

export const INNER_RADIUS = 0.5;

export function makeCircles(options: DatasetOptions = {}): Dataset {
  const { n, noise, seed } = resolveOptions("circles", options, { n: 200, noise: 0.05 });
  const rng = createRng(seed);
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const r = label === 0 ? 1 : INNER_RADIUS;
    const t = 2 * Math.PI * rng.next();
    x[2 * i] = r * Math.cos(t) + noise * rng.normal();
    x[2 * i + 1] = r * Math.sin(t) + noise * rng.normal();
    y[i] = label;
  }
  return { name: "circles", task: "classification", n, inputDim: 2, x, y, outputDim: 1, classes: 2, featureNames: ["x1", "x2"], classNames: ["outer", "inner"] };
}
