/**
 * Two interleaved Archimedean spiral arms: arm k has radius r = s and angle 3π·s + kπ for s uniform
 * on [0.1, 1] (1.5 turns; the second arm is the first rotated by half a turn), plus Gaussian noise
 * (default σ = 0.02). Hard for small nets, which makes it a good landscape stress test.
 */
import { createRng } from "../../util/random.js";
import { type Dataset, type DatasetOptions, resolveOptions } from "./dataset.js";

export const SPIRAL_TURNS = 1.5;
export const SPIRAL_MIN_RADIUS = 0.1;

export function makeSpirals(options: DatasetOptions = {}): Dataset {
  const { n, noise, seed } = resolveOptions("spirals", options, { n: 200, noise: 0.02 });
  const rng = createRng(seed);
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const s = SPIRAL_MIN_RADIUS + (1 - SPIRAL_MIN_RADIUS) * rng.next();
    const angle = 2 * Math.PI * SPIRAL_TURNS * s + label * Math.PI;
    x[2 * i] = s * Math.cos(angle) + noise * rng.normal();
    x[2 * i + 1] = s * Math.sin(angle) + noise * rng.normal();
    y[i] = label;
  }
  return { name: "spirals", task: "classification", n, inputDim: 2, x, y, outputDim: 1, classes: 2, featureNames: ["x1", "x2"], classNames: ["arm 0", "arm 1"] };
}
