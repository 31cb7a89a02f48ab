/**
 * XOR on the corners of [-1, 1]²: label 1 when the coordinates have different signs, else 0
 * (the 0/1 XOR table with 0 mapped to -1, centred so that no bias is needed to break symmetry).
 * With the default n = 4 the corners are returned exactly, in the order (-1,-1), (-1,1), (1,-1), (1,1);
 * for larger n sample i sits near corner i mod 4 with Gaussian noise (default σ = 0.1).
 */
import { createRng } from "../../util/random.js";
import { type Dataset, type DatasetOptions, resolveOptions } from "./dataset.js";

const CORNERS: readonly (readonly [number, number])[] = [[-1, -1], [-1, 1], [1, -1], [1, 1]];

export function makeXor(options: DatasetOptions = {}): Dataset {
  const defaultNoise = options.n === undefined || options.n === 4 ? 0 : 0.1;
  const { n, noise, seed } = resolveOptions("xor", options, { n: 4, noise: defaultNoise });
  const rng = createRng(seed);
  const x = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b] = CORNERS[i % 4]!;
    x[2 * i] = a + noise * rng.normal();
    x[2 * i + 1] = b + noise * rng.normal();
    y[i] = a === b ? 0 : 1;
  }
  return { name: "xor", task: "classification", n, inputDim: 2, x, y, outputDim: 1, classes: 2, featureNames: ["x1", "x2"], classNames: ["same sign", "different sign"] };
}
