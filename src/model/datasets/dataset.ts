/**
 * The dataset shape every model, loss and landscape in losscape consumes, plus the option handling
 * shared by the built-in generators. Generated datasets label sample i with class i mod classes, so
 * every class is equally represented in any prefix — a split by index stays balanced.
 */
import { UserError } from "../../util/errors.js";

export interface Dataset {
  name: string;
  task: "regression" | "classification";
  /** Number of samples. */
  n: number;
  /** Features per sample. */
  inputDim: number;
  /** n × inputDim, row-major. */
  x: Float64Array;
  /** The shape of one sample when the source had more than one axis per sample ([1, 28, 28] for images); product = inputDim. */
  sampleShape?: number[];
  /** Regression: n × outputDim floats. Classification: n integer labels 0..classes-1 (outputDim = 1). */
  y: Float64Array;
  outputDim: number;
  /** Classification only. */
  classes?: number;
  featureNames?: string[];
  classNames?: string[];
}

export interface DatasetOptions {
  n?: number;
  noise?: number;
  seed?: number;
}

export interface ResolvedOptions {
  n: number;
  noise: number;
  seed: number;
}

/** Far above any landscape workload, low enough that a typo (n=1e10) fails fast instead of exhausting memory. */
export const MAX_SAMPLES = 10_000_000;

export const DEFAULT_SEED = 0;

/** Fill in defaults and validate; errors name the dataset and the offending option. */
export function resolveOptions(name: string, options: DatasetOptions, defaults: { n: number; noise: number }): ResolvedOptions {
  const n = options.n ?? defaults.n;
  const noise = options.noise ?? defaults.noise;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SAMPLES) {
    throw new UserError(`dataset ${name}: n must be an integer from 1 to ${MAX_SAMPLES}, got ${n}`);
  }
  if (!Number.isFinite(noise) || noise < 0) {
    throw new UserError(`dataset ${name}: noise must be a finite number >= 0, got ${noise}`);
  }
  checkSeed(name, seed);
  return { n, noise, seed };
}

export function checkSeed(name: string, seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new UserError(`dataset ${name}: seed must be an integer, got ${seed}`);
  }
}

/** Positive-integer option check shared by generators with extra knobs (classes, dim). */
export function checkCount(name: string, option: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`dataset ${name}: ${option} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Invariants every Dataset satisfies; a violation is a bug in the code that built it. */
export function assertValidDataset(ds: Dataset): void {
  const where = `dataset ${ds.name}`;
  if (ds.x.length !== ds.n * ds.inputDim) throw new Error(`${where}: x has ${ds.x.length} values, expected ${ds.n}×${ds.inputDim}`);
  if (ds.y.length !== ds.n * ds.outputDim) throw new Error(`${where}: y has ${ds.y.length} values, expected ${ds.n}×${ds.outputDim}`);
  if (ds.task === "classification") {
    const classes = ds.classes;
    if (classes === undefined || ds.outputDim !== 1) throw new Error(`${where}: classification needs classes and outputDim 1`);
    for (const label of ds.y) {
      if (!Number.isInteger(label) || label < 0 || label >= classes) throw new Error(`${where}: label ${label} outside 0..${classes - 1}`);
    }
    if (ds.classNames !== undefined && ds.classNames.length !== classes) throw new Error(`${where}: ${ds.classNames.length} class names for ${classes} classes`);
  }
  if (ds.featureNames !== undefined && ds.featureNames.length !== ds.inputDim) {
    throw new Error(`${where}: ${ds.featureNames.length} feature names for ${ds.inputDim} features`);
  }
}
