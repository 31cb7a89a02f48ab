/**
 * Two interleaving half circles (the scikit-learn "moons" layout): class 0 is (cos t, sin t),
 * class 1 is (1 - cos t, 0.5 - sin t), t uniform on [0, π], plus Gaussian noise (default σ = 0.1).
 */
import { createRng } from "../../util/random.js";
import { type Dataset, type DatasetOptions, resolveOptions } from "./dataset.js";

export function makeMoons(options: DatasetOptions = {}): Dataset {
  const { n, noise, seed } = resolveOptions("moons", options, { n: 200, noise: 0.1 });
  const rng = createRng(seed);
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = Math.PI * rng.next();
    const px = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const py = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    x[2 * i] = px + noise * rng.normal();
    x[2 * i + 1] = py + noise * rng.normal();
    y[i] = label;
  }
  return { name: "moons", task: "classification", n, inputDim: 2, x, y, outputDim: 1, classes: 2, featureNames: ["x1", "x2"], classNames: ["upper", "lower"] };
}
