/**
 * From what a user names (a spec file or example, a θ file or .onnx model) to the loss problem and
 * parameter vectors the analyses take. Only this module and the CLI/server read files for a problem.
 */
import { createHash } from "node:crypto";
import { extname, isAbsolute, resolve } from "node:path";
import { readFileBytes } from "../../io/read-file.js";
import { importOnnxModel } from "../../onnx/import-model.js";
import { UserError } from "../../util/errors.js";
import { resolveData } from "../data.js";
import type { Dataset } from "../datasets/dataset.js";
import type { ParamLayout } from "../layout.js";
import { isMlpSpec } from "../spec.js";
import type { ModelSource } from "../train/spec-source.js";
import { loadParamVector } from "../train/params-file.js";
import { mlpProblem } from "./from-mlp.js";
import { onnxLayout, onnxProblem, onnxTheta } from "./from-onnx.js";
import type { LossProblem } from "./loss-problem.js";

export interface ResolveOptions {
  /** Use this data instead of the spec's (a split of it). */
  data?: Dataset;
}

/** The spec's data set, as the problem will bind it. */
export function problemData(src: ModelSource): Dataset {
  return resolveData(src.spec, src.specDir);
}

export function resolveProblem(src: ModelSource, opts: ResolveOptions = {}): LossProblem {
  const spec = src.spec;
  const data = opts.data ?? problemData(src);
  if (isMlpSpec(spec)) return mlpProblem(spec, data, src.source);
  const m = spec.model;
  if (m.type !== "onnx") throw new Error(`unknown model type ${m.type}`);
  const path = isAbsolute(m.path) ? m.path : resolve(src.specDir, m.path);
  const bytes = readFileBytes(path);
  const model = importOnnxModel(bytes, { path, dir: resolve(path, "..") });
  return onnxProblem(model, data, {
    source: src.source,
    loss: spec.loss,
    l2: spec.l2,
    spec,
    modelHash: createHash("sha256").update(bytes).digest("hex"),
    bytes,
    dir: resolve(path, "..")
  });
}

/**
 * θ from a file: .npy / .json vectors, or an .onnx model of the same architecture (its initializers,
 * matched by name and shape). `what` names the field for messages ("params", "to").
 */
export function loadProblemParams(path: string, layout: ParamLayout, what: string, cwd: string = process.cwd()): Float64Array {
  const at = resolve(cwd, path.trim());
  if (extname(at).toLowerCase() !== ".onnx") return loadParamVector(at, layout.size, what);
  const model = importOnnxModel(readFileBytes(at), { path: at, dir: resolve(at, "..") });
  const other = onnxLayout(model);
  const mismatch = (msg: string): never => {
    throw new UserError(`${what}: ${at} is not the same architecture as the model: ${msg}`);
  };
  if (other.blocks.length !== layout.blocks.length) mismatch(`it has ${other.blocks.length} parameter tensors, the model ${layout.blocks.length}`);
  layout.blocks.forEach((b, k) => {
    const o = other.blocks[k]!;
    if (o.size !== b.size || o.shape.join(",") !== b.shape.join(",")) {
      mismatch(`parameter ${k + 1} is ${o.name} [${o.shape.join(", ")}], the model's is ${b.name} [${b.shape.join(", ")}]`);
    }
  });
  return onnxTheta(model, other);
}

/** θ for an analysis: the given file, or else the model's own weights; an MLP spec needs a file. */
export function problemParams(problem: LossProblem, path: string | undefined, what: string, cwd?: string): Float64Array {
  if (path !== undefined) return loadProblemParams(path, problem.layout, what, cwd);
  if (problem.theta0) return problem.theta0.slice();
  throw new UserError(`${what}: this model has no weights of its own (an MLP spec); give a parameter file (.npy or .json)`);
}
