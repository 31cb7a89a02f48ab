/**
 * A Dataset from user files (.npy, IDX, CSV; recognised by content). x is n × ... (trailing axes
 * flattened into features, so IDX images n×28×28 become 784 features); y is n or n × ... .
 * Whether y holds class labels or regression targets is the caller's choice, never guessed.
 */
import { basename } from "node:path";
import { UserError } from "../../util/errors.js";
import { type LoadedArray, loadArray } from "../../io/load-array.js";
import { formatShape } from "../../io/ndarray.js";
import { type Dataset, MAX_SAMPLES, assertValidDataset } from "./dataset.js";

export interface DatasetFromFilesOptions {
  xPath: string;
  yPath: string;
  task: Dataset["task"];
  /** Default: the x file's name without extension. */
  name?: string;
}

/** Labels must be integers 0..K-1; K is the largest label + 1. */
export const MAX_CLASSES = 100_000;

export function datasetFromFiles(options: DatasetFromFilesOptions): Dataset {
  const { xPath, yPath, task } = options;
  return datasetFromArrays(loadArray(xPath), loadArray(yPath), { xSource: xPath, ySource: yPath, task, name: options.name ?? defaultName(xPath) });
}

export interface DatasetFromArraysOptions {
  xSource: string;
  ySource: string;
  task: Dataset["task"];
  name: string;
}

/** The validation half of datasetFromFiles, separate so arrays already in memory can use it. */
export function datasetFromArrays(
  xArr: Pick<LoadedArray, "shape" | "data" | "columnNames">,
  yArr: Pick<LoadedArray, "shape" | "data">,
  options: DatasetFromArraysOptions
): Dataset {
  const { xSource, ySource, task, name } = options;
  if (xArr.shape.length === 0) throw new UserError(`${xSource}: x must have a sample axis, but it is a scalar`);
  if (yArr.shape.length === 0) throw new UserError(`${ySource}: y must have a sample axis, but it is a scalar`);
  const n = xArr.shape[0]!;
  if (yArr.shape[0] !== n) {
    throw new UserError(`sample counts differ: x ${xSource} has shape ${formatShape(xArr.shape)} but y ${ySource} has shape ${formatShape(yArr.shape)}`);
  }
  if (n === 0) throw new UserError(`${xSource}: x has shape ${formatShape(xArr.shape)}, which holds no samples`);
  if (n > MAX_SAMPLES) throw new UserError(`${xSource}: ${n} samples is more than the limit of ${MAX_SAMPLES}`);
  const inputDim = xArr.data.length / n;
  const outputDim = yArr.data.length / n;
  if (inputDim === 0) throw new UserError(`${xSource}: x has shape ${formatShape(xArr.shape)}, which has no features`);
  if (outputDim === 0) throw new UserError(`${ySource}: y has shape ${formatShape(yArr.shape)}, which has no values per sample`);
  checkFinite(xArr.data, inputDim, xSource);
  checkFinite(yArr.data, outputDim, ySource);

  const ds: Dataset = { name, task, n, inputDim, x: xArr.data.slice(), y: yArr.data.slice(), outputDim };
  if (xArr.shape.length > 2) ds.sampleShape = xArr.shape.slice(1);
  if (xArr.columnNames !== undefined && xArr.columnNames.length === inputDim) ds.featureNames = xArr.columnNames.slice();
  if (task === "classification") {
    if (outputDim !== 1) {
      throw new UserError(`${ySource}: classification labels must be one column, but y has shape ${formatShape(yArr.shape)}`);
    }
    let maxLabel = 0;
    yArr.data.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0) {
        throw new UserError(`${ySource}: classification labels must be integers >= 0, but sample ${i} has label ${v}`);
      }
      maxLabel = Math.max(maxLabel, v);
    });
    if (maxLabel + 1 > MAX_CLASSES) throw new UserError(`${ySource}: label ${maxLabel} implies more than ${MAX_CLASSES} classes`);
    ds.classes = maxLabel + 1;
  }
  assertValidDataset(ds);
  return ds;
}

function checkFinite(data: Float64Array, perSample: number, source: string): void {
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new UserError(`${source}: sample ${Math.floor(bad / perSample)}, value ${bad % perSample} is ${data[bad]} (datasets must be finite)`);
  }
}

function defaultName(path: string): string {
  return basename(path).replace(/(\.gz)?$/, "").replace(/\.[^.]*$/, "") || basename(path);
}
