/**
 * A model spec from the browser, made safe to run: validated field by field by the model layer,
 * data only inline or a built-in data set (a spec naming files would let a page read the server's
 * disk), and the sizes within the server's caps.
 */
import { resolveData } from "../model/data.js";
import type { Dataset } from "../model/datasets/dataset.js";
import { mlpLayout, type ParamLayout } from "../model/layout.js";
import { parseModelSpec, type ModelSpec } from "../model/spec.js";
import { mlpProblem } from "../model/problem/from-mlp.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { CAPS } from "./api-schemas.js";
import { ApiError } from "./http-util.js";

export interface ModelInput {
  spec: ModelSpec;
  dataset: Dataset;
  layout: ParamLayout;
  problem: LossProblem;
}

export function modelInput(raw: unknown): ModelInput {
  const spec = parseModelSpec(raw, "spec");
  const d = spec.data;
  if (typeof d === "object" && "x" in d && typeof d.x === "string") {
    throw new ApiError(400, "spec.data: data files are not read by the explorer; give the data inline ({x: [[..]], y: [..]}) or a built-in data set name");
  }
  const layers = spec.model.layers;
  if (layers.length - 2 > CAPS.layers) throw new ApiError(400, `spec.model.layers: at most ${CAPS.layers} hidden layers in the explorer, got ${layers.length - 2}`);
  const wide = layers.findIndex((w, i) => i > 0 && w > CAPS.width);
  if (wide >= 0) throw new ApiError(400, `spec.model.layers[${wide}]: at most ${CAPS.width} units per layer in the explorer, got ${layers[wide]}`);
  const layout = mlpLayout(spec);
  if (layout.size > CAPS.parameters) throw new ApiError(400, `the network has ${layout.size} parameters; the explorer allows at most ${CAPS.parameters}`);
  if (typeof d === "object" && "name" in d && d.n !== undefined && d.n > CAPS.samples) {
    throw new ApiError(400, `spec.data.n: at most ${CAPS.samples} samples in the explorer, got ${d.n}`);
  }
  const mnistAll = (typeof d === "string" && d === "mnist") || (typeof d === "object" && "name" in d && d.name === "mnist" && d.n === undefined);
  if (mnistAll) throw new ApiError(400, `spec.data: mnist has 10000 samples; the explorer allows at most ${CAPS.samples} (use {"name": "mnist", "n": 1000})`);
  const dataset = resolveData(spec);
  if (dataset.n > CAPS.samples) throw new ApiError(400, `the data set has ${dataset.n} samples; the explorer allows at most ${CAPS.samples}`);
  if (dataset.inputDim !== layers[0]) {
    throw new ApiError(400, `spec.model.layers[0] is ${layers[0]} but the data has ${dataset.inputDim} input feature(s) per sample`);
  }
  return { spec, dataset, layout, problem: mlpProblem(spec, dataset, "spec") };
}

export function checkTheta(theta: readonly number[] | undefined, layout: ParamLayout, name: string): Float64Array | undefined {
  if (theta === undefined) return undefined;
  if (theta.length !== layout.size) throw new ApiError(400, `${name} has ${theta.length} values; the network has ${layout.size} parameters`);
  return Float64Array.from(theta);
}
