import { isAbsolute, resolve } from "node:path";
import { UserError } from "../util/errors.js";
import type { Dataset } from "./datasets/dataset.js";
import { datasetFromArrays, datasetFromFiles } from "./datasets/from-files.js";
import { loadDataset } from "./datasets/registry.js";
import type { LossName, ModelSpec, ProblemSpec } from "./spec.js";

const CLASSIFICATION_LOSSES: readonly LossName[] = ["cross_entropy", "bce", "hinge"];

export function lossTask(loss: LossName): Dataset["task"] {
  return CLASSIFICATION_LOSSES.includes(loss) ? "classification" : "regression";
}

/**
 * The data a spec names: inline arrays, files (paths relative to the spec's folder), or a built-in
 * data set by name. Classification losses read y as class labels, others as regression targets.
 */
export function resolveData(spec: Pick<ProblemSpec, "data" | "loss">, specDir: string = process.cwd()): Dataset {
  const d = spec.data;
  const task = lossTask(spec.loss);
  if (typeof d === "string") return loadDataset(d);
  if ("name" in d) {
    const { name, ...opts } = d;
    return loadDataset(name, opts);
  }
  if (typeof d.x === "string" && typeof d.y === "string") {
    const at = (p: string): string => (isAbsolute(p) ? p : resolve(specDir, p));
    return datasetFromFiles({ xPath: at(d.x), yPath: at(d.y), task: "task" in d && d.task ? d.task : task });
  }
  const x = d.x as number[][];
  const yRaw = d.y as number[][] | number[];
  const y2 = yRaw.map((r) => (Array.isArray(r) ? r : [r]));
  const widthX = x[0]!.length, widthY = y2[0]!.length;
  x.forEach((r, i) => {
    if (r.length !== widthX) throw new UserError(`data.x[${i}] has ${r.length} values, data.x[0] has ${widthX}`);
  });
  y2.forEach((r, i) => {
    if (r.length !== widthY) throw new UserError(`data.y[${i}] has ${r.length} values, data.y[0] has ${widthY}`);
  });
  // One-hot rows for cross-entropy are accepted as regression-shaped targets and converted by the loss.
  const asLabels = task === "classification" && widthY === 1;
  return datasetFromArrays(
    { shape: [x.length, widthX], data: Float64Array.from(x.flat()) },
    { shape: [y2.length, widthY], data: Float64Array.from(y2.flat()) },
    { xSource: "data.x", ySource: "data.y", task: asLabels ? "classification" : "regression", name: "inline" }
  );
}

export function checkDataFitsModel(spec: ModelSpec, ds: Dataset): void {
  const sizes = spec.model.layers;
  if (ds.inputDim !== sizes[0]) {
    throw new UserError(`model.layers[0] is ${sizes[0]} but the data has ${ds.inputDim} input feature(s) per sample`);
  }
}
