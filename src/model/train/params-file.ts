/**
 * Parameter vectors on disk: `.npy` (float64, shape [P] — what numpy users load) and a JSON twin that
 * also names the layout, so a human can see which numbers are layer1.weight. Either loads back.
 */
import { extname } from "node:path";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { float64Array, readNpy, saveNpy } from "../../io/npy.js";
import { toFloat64 } from "../../io/ndarray.js";
import { readFileBytes } from "../../io/read-file.js";
import { UserError } from "../../util/errors.js";
import type { ParamLayout } from "../layout.js";

export const PARAMS_FORMAT = "losscape-params";

export interface ParamsJson {
  format: typeof PARAMS_FORMAT;
  version: 1;
  size: number;
  blocks: { name: string; shape: number[]; offset: number; size: number }[];
  values: number[];
}

export function paramsJson(layout: ParamLayout, theta: Float64Array): ParamsJson {
  return {
    format: PARAMS_FORMAT,
    version: 1,
    size: layout.size,
    blocks: layout.blocks.map((b) => ({ name: b.name, shape: b.shape.slice(), offset: b.offset, size: b.size })),
    values: Array.from(theta)
  };
}

export function saveParams(pathNpy: string, pathJson: string | null, layout: ParamLayout, theta: Float64Array): void {
  saveNpy(pathNpy, float64Array([theta.length], theta));
  if (pathJson) writeFileAtomic(pathJson, `${JSON.stringify(paramsJson(layout, theta))}\n`);
}

/**
 * A flat parameter vector from .npy (any float/int dtype, shape [P] or [1, P]) or .json (a losscape
 * params file or a plain array of numbers). `expected` is the model's P; a mismatch is the user's error.
 */
export function loadParamVector(path: string, expected: number, what = "parameters"): Float64Array {
  const bytes = readFileBytes(path);
  let values: Float64Array;
  if (extname(path).toLowerCase() === ".json") {
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new UserError(`${what} file ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const arr = Array.isArray(raw) ? raw : raw !== null && typeof raw === "object" && "values" in raw ? (raw as { values: unknown }).values : null;
    if (!Array.isArray(arr) || !arr.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new UserError(`${what} file ${path} must hold an array of finite numbers (or a losscape params file with "values")`);
    }
    values = Float64Array.from(arr as number[]);
  } else {
    const a = toFloat64(readNpy(bytes, path));
    const ok = a.shape.length === 1 || (a.shape.length === 2 && a.shape[0] === 1);
    if (!ok) throw new UserError(`${what} file ${path} has shape [${a.shape.join(", ")}]; expected a vector of ${expected} values`);
    values = a.data;
  }
  if (values.length !== expected) {
    throw new UserError(`${what} file ${path} has ${values.length} values, but the model has ${expected} parameters`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new UserError(`${what} file ${path}: value ${i} is ${values[i]}, not finite`);
  }
  return values;
}

/** A [K, P] matrix from .npy, e.g. a training trajectory. */
export function loadParamMatrix(path: string, expectedCols: number, what = "trajectory"): { rows: number; cols: number; data: Float64Array } {
  const a = toFloat64(readNpy(readFileBytes(path), path));
  if (a.shape.length !== 2) throw new UserError(`${what} file ${path} has shape [${a.shape.join(", ")}]; expected [checkpoints, ${expectedCols}]`);
  const [rows, cols] = a.shape as [number, number];
  if (cols !== expectedCols) throw new UserError(`${what} file ${path} has ${cols} columns, but the model has ${expectedCols} parameters`);
  if (rows < 1) throw new UserError(`${what} file ${path} has no rows`);
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i]!)) throw new UserError(`${what} file ${path}: value ${i} is not finite`);
  }
  return { rows, cols, data: a.data };
}
