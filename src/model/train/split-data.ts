/**
 * The train/test split shared by `losscape train` and `losscape landscape`, so a landscape can be
 * drawn over exactly the samples a model was trained (or tested) on.
 */
import type { Dataset } from "../datasets/dataset.js";
import { splitByIndex, trainTestSplit } from "../datasets/split.js";
import { field, UserError } from "../../util/errors.js";

export type SplitMethod = "random" | "index";
export type SplitName = "train" | "test";

export interface SplitOptions {
  /** Fraction of samples held out for testing; 0 means no test set (all samples train). */
  testFraction: number;
  /** random (seeded by seed) or index (the last samples are the test set: MNIST's fixed split). */
  method: SplitMethod;
  seed: number;
}

export const NO_SPLIT: SplitOptions = { testFraction: 0, method: "random", seed: 0 };

export interface DataParts {
  train: Dataset;
  test: Dataset | null;
}

export function splitData(ds: Dataset, o: SplitOptions): DataParts {
  if (!Number.isFinite(o.testFraction) || o.testFraction < 0 || o.testFraction >= 1) {
    throw new UserError(`${field("testFraction")} must be at least 0 and below 1, got ${o.testFraction}`);
  }
  if (o.testFraction === 0) return { train: ds, test: null };
  if (o.method === "index") {
    const nTest = Math.round(ds.n * o.testFraction);
    return splitByIndex(ds, ds.n - nTest);
  }
  return trainTestSplit(ds, { testFraction: o.testFraction, seed: o.seed });
}

export function selectPart(parts: DataParts, which: SplitName): Dataset {
  if (which === "train") return parts.train;
  if (!parts.test) throw new UserError(`${field("split")} test needs a test set: give ${field("testFraction")} (e.g. 0.2)`);
  return parts.test;
}
