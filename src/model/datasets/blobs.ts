/**
 * Isotropic Gaussian blobs, one per class, standard deviation `noise` (default 1). Centres are
 * fixed rather than random so the classes never collide by bad luck: in dim 1 they sit on a line
 * 4 apart; in dim ≥ 2 on a circle in the first two coordinates with neighbouring centres 4 apart
 * (radius 2 / sin(π / classes)); remaining coordinates of every centre are 0. One class: the origin.
 */
import { createRng } from "../../util/random.js";
import { type Dataset, type DatasetOptions, checkCount, resolveOptions } from "./dataset.js";

export interface BlobsOptions extends DatasetOptions {
  classes?: number;
  dim?: number;
}

export const CENTER_SPACING = 4;

export function blobCenters(classes: number, dim: number): Float64Array {
  const centers = new Float64Array(classes * dim);
  if (classes === 1) return centers;
  for (let k = 0; k < classes; k++) {
    if (dim === 1) {
      centers[k] = CENTER_SPACING * (k - (classes - 1) / 2);
    } else {
      const radius = CENTER_SPACING / 2 / Math.sin(Math.PI / classes);
      const angle = (2 * Math.PI * k) / classes;
      centers[k * dim] = radius * Math.cos(angle);
      centers[k * dim + 1] = radius * Math.sin(angle);
    }
  }
  return centers;
}

export function makeBlobs(options: BlobsOptions = {}): Dataset {
  const classes = options.classes ?? 3;
  const dim = options.dim ?? 2;
  checkCount("blobs", "classes", classes, 1, 1000);
  checkCount("blobs", "dim", dim, 1, 10_000);
  const { n, noise, seed } = resolveOptions("blobs", options, { n: 50 * classes, noise: 1 });
  const centers = blobCenters(classes, dim);
  const rng = createRng(seed);
  const x = new Float64Array(n * dim);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % classes;
    for (let j = 0; j < dim; j++) x[i * dim + j] = centers[label * dim + j]! + noise * rng.normal();
    y[i] = label;
  }
  return {
    name: "blobs", task: "classification", n, inputDim: dim, x, y, outputDim: 1, classes,
    featureNames: Array.from({ length: dim }, (_, j) => `x${j + 1}`),
    classNames: Array.from({ length: classes }, (_, k) => `blob ${k}`)
  };
}
