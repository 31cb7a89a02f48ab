/**
 * Train/test splits. Both parts keep the samples in their original relative order, so a split of a
 * class-interleaved dataset (the generators, mnist) stays interleaved.
 */
import { UserError } from "../../util/errors.js";
import { createRng } from "../../util/random.js";
import type { Dataset } from "./dataset.js";

export interface Split {
  train: Dataset;
  test: Dataset;
}

export interface TrainTestSplitOptions {
  /** Fraction of samples in the test part, strictly between 0 and 1; the count is rounded to nearest. */
  testFraction: number;
  seed: number;
}

/** The samples at `indices`, in that order; metadata (names, classes) is kept. */
export function subsetDataset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const m = indices.length;
  const x = new Float64Array(m * ds.inputDim);
  const y = new Float64Array(m * ds.outputDim);
  for (let k = 0; k < m; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= ds.n) throw new Error(`subset index ${i} outside 0..${ds.n - 1}`);
    x.set(ds.x.subarray(i * ds.inputDim, (i + 1) * ds.inputDim), k * ds.inputDim);
    y.set(ds.y.subarray(i * ds.outputDim, (i + 1) * ds.outputDim), k * ds.outputDim);
  }
  const out: Dataset = { ...ds, n: m, x, y };
  if (ds.featureNames !== undefined) out.featureNames = ds.featureNames.slice();
  if (ds.classNames !== undefined) out.classNames = ds.classNames.slice();
  return out;
}

/** A seeded random split: the same seed always picks the same test samples. */
export function trainTestSplit(ds: Dataset, options: TrainTestSplitOptions): Split {
  const { testFraction, seed } = options;
  if (!Number.isFinite(testFraction) || testFraction <= 0 || testFraction >= 1) {
    throw new UserError(`testFraction must be strictly between 0 and 1, got ${testFraction}`);
  }
  if (!Number.isSafeInteger(seed)) throw new UserError(`split seed must be an integer, got ${seed}`);
  const nTest = Math.round(ds.n * testFraction);
  if (nTest < 1 || nTest > ds.n - 1) {
    throw new UserError(`dataset ${ds.name}: testFraction ${testFraction} of ${ds.n} samples leaves an empty train or test part`);
  }
  const order = Int32Array.from({ length: ds.n }, (_, i) => i);
  const rng = createRng(seed);
  // Fisher-Yates: every permutation equally likely, unlike sorting by random keys.
  for (let i = ds.n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const test = order.slice(0, nTest).sort();
  const train = order.slice(nTest).sort();
  return { train: subsetDataset(ds, train), test: subsetDataset(ds, test) };
}

/** The first nTrain samples train, the rest test. */
export function splitByIndex(ds: Dataset, nTrain: number): Split {
  if (!Number.isInteger(nTrain) || nTrain < 1 || nTrain > ds.n - 1) {
    throw new UserError(`dataset ${ds.name}: nTrain must be an integer from 1 to ${ds.n - 1} (it has ${ds.n} samples), got ${nTrain}`);
  }
  const range = (from: number, to: number): Int32Array => Int32Array.from({ length: to - from }, (_, k) => from + k);
  return { train: subsetDataset(ds, range(0, nTrain)), test: subsetDataset(ds, range(nTrain, ds.n)) };
}
