/**
 * What the commands share to turn their arguments into library inputs: the spec (file or example)
 * resolved into its loss problem, and parameter files (.npy, .json or .onnx) into θ.
 */
import { resolveProblem, problemParams } from "../model/problem/resolve.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { loadModelSource, type ModelSource } from "../model/train/spec-source.js";

export interface ProblemInput {
  source: ModelSource;
  problem: LossProblem;
}

export function loadProblem(specArg: string, cwd: string = process.cwd()): ProblemInput {
  const source = loadModelSource(specArg.trim(), cwd);
  return { source, problem: resolveProblem(source) };
}

/** θ from `--params` (or the option named), else the model's own weights, else the example's first θ. */
export function paramsFor(input: ProblemInput, path: string | undefined, option = "--params"): Float64Array {
  if (path === undefined && !input.problem.theta0 && input.source.exampleParams) {
    const first = Object.values(input.source.exampleParams)[0];
    if (first) return Float64Array.from(first);
  }
  return problemParams(input.problem, path, option);
}
