/**
 * Built-in datasets by name. Each entry states which options it understands so that a misspelt or
 * meaningless option (noise for iris, classes for moons) is an error instead of being ignored.
 */
import { UserError } from "../../util/errors.js";
import { didYouMean } from "../../util/nearest.js";
import { makeBlobs } from "./blobs.js";
import { makeCircles } from "./circles.js";
import { type Dataset, type DatasetOptions, assertValidDataset } from "./dataset.js";
import { makeIris } from "./iris.js";
import { makeMnist } from "./mnist.js";
import { makeMoons } from "./moons.js";
import { makeRegression1d } from "./regression1d.js";
import { makeRegression2d } from "./regression2d.js";
import { makeSeedDataset } from "./seed.js";
import { makeSpirals } from "./spirals.js";
import { makeXor } from "./xor.js";

export interface LoadDatasetOptions extends DatasetOptions {
  /** blobs only: number of blobs (classes). */
  classes?: number;
  /** blobs only: input dimension. */
  dim?: number;
}

type OptionName = keyof LoadDatasetOptions;

export interface DatasetInfo {
  name: string;
  description: string;
  task: Dataset["task"];
}

interface Entry extends DatasetInfo {
  options: readonly OptionName[];
  build: (options: LoadDatasetOptions) => Dataset;
}

const GENERATED: readonly OptionName[] = ["n", "noise", "seed"];

const ENTRIES: readonly Entry[] = [
  { name: "seed", task: "regression", options: ["seed"], build: () => makeSeedDataset(),
    description: "the seed answer's two points: x = [[1], [-1]], y = [[1], [-1]]" },
  { name: "xor", task: "classification", options: GENERATED, build: makeXor,
    description: "XOR on the corners of [-1,1]^2: 4 exact points, or n noisy ones (2 classes)" },
  { name: "circles", task: "classification", options: GENERATED, build: makeCircles,
    description: "two concentric circles, radii 1 and 0.5 (2 classes)" },
  { name: "moons", task: "classification", options: GENERATED, build: makeMoons,
    description: "two interleaving half circles (2 classes)" },
  { name: "spirals", task: "classification", options: GENERATED, build: makeSpirals,
    description: "two interleaved spiral arms, 1.5 turns (2 classes)" },
  { name: "blobs", task: "classification", options: [...GENERATED, "classes", "dim"], build: makeBlobs,
    description: "isotropic Gaussian blobs with fixed, well-separated centres (classes option, default 3)" },
  { name: "regression1d", task: "regression", options: GENERATED, build: makeRegression1d,
    description: "y = sin(3x) + noise, x uniform on [-1,1]" },
  { name: "regression2d", task: "regression", options: GENERATED, build: makeRegression2d,
    description: "y = sin(pi x1) cos(pi x2) + noise, x uniform on [-1,1]^2" },
  { name: "iris", task: "classification", options: ["seed"], build: () => makeIris(),
    description: "Fisher's iris: 150 samples, 4 features, 3 classes" },
  { name: "mnist", task: "classification", options: ["n", "seed"], build: makeMnist,
    description: "10,000 MNIST digits, 784 pixels in [0,1], 10 classes, class-interleaved order" }
];

export function listDatasets(): DatasetInfo[] {
  return ENTRIES.map(({ name, description, task }) => ({ name, description, task }));
}

export function loadDataset(name: string, options: LoadDatasetOptions = {}): Dataset {
  const entry = ENTRIES.find((e) => e.name === name);
  if (entry === undefined) {
    throw new UserError(`unknown dataset '${name}'${didYouMean(name, ENTRIES.map((e) => e.name))}; valid names: ${ENTRIES.map((e) => e.name).join(", ")}`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(entry.options as readonly string[]).includes(key)) {
      const accepted = entry.options.length > 0 ? entry.options.join(", ") : "none";
      throw new UserError(`dataset ${name} does not take option '${key}' (it takes: ${accepted})`);
    }
  }
  const ds = entry.build(options);
  assertValidDataset(ds);
  return ds;
}
