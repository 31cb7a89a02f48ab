/**
 * `--params FILE` for every command that needs a θ: a JSON array of numbers (or a losscape params
 * file), or a .npy vector, checked against the model's parameter count. Relative paths resolve
 * against the working directory; errors name the option and the file.
 */
import { resolve } from "node:path";
import type { ParamLayout } from "./layout.js";
import { loadParamVector } from "./train/params-file.js";
import { field } from "../util/errors.js";

export function loadParamsFile(path: string, layout: ParamLayout | number, option = field("params"), cwd: string = process.cwd()): Float64Array {
  const expected = typeof layout === "number" ? layout : layout.size;
  return loadParamVector(resolve(cwd, path.trim()), expected, `${option}`);
}
