/**
 * `losscape train` as one library call: split the problem's data, train, write the result folder
 * (θ as .npy + JSON, the initial θ, the checkpoint trajectory, manifest.json, and for an ONNX model
 * the trained model as model.onnx). Nothing is written until training has finished, so a failed run
 * leaves no half-written folder.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { float64Array, saveNpy } from "../../io/npy.js";
import type { Executor } from "../../exec/executor.js";
import { UserError } from "../../util/errors.js";
import type { LossProblem } from "../problem/loss-problem.js";
import { saveParams } from "./params-file.js";
import { splitData, type SplitOptions } from "./split-data.js";
import { trainModel, type EpochRecord, type StepInfo, type TrainOptions } from "./train.js";
import { runtimeVersions } from "./versions.js";

export interface RunTrainingOptions {
  /** The problem over the whole data set; it is split here. */
  problem: LossProblem;
  split: SplitOptions;
  train: Omit<TrainOptions, "initialTheta">;
  /** Start from these parameters instead of the model's own weights or a seeded init. */
  initialTheta?: { values: Float64Array; source: string };
  outDir: string;
}

export interface RunTrainingSummary {
  outDir: string;
  files: string[];
  final: EpochRecord;
  totalSteps: number;
  checkpoints: number;
  parameters: number;
  trainSamples: number;
  testSamples: number;
  seconds: number;
}

export const TRAIN_FILES = {
  theta: "theta.npy",
  thetaJson: "theta.json",
  thetaInit: "theta-init.npy",
  trajectory: "trajectory.npy",
  manifest: "manifest.json"
} as const;

/** The trained model in its own format (an ONNX problem's model file with the trained weights). */
export const TRAINED_MODEL_BASENAME = "model";

export async function runTraining(o: RunTrainingOptions, ex: Executor, onStep?: (s: StepInfo) => void): Promise<RunTrainingSummary> {
  const t0 = performance.now();
  const ds = o.problem.data;
  const parts = splitData(ds, o.split);
  const problem = parts.train === ds ? o.problem : o.problem.withData(parts.train);
  const layout = problem.layout;
  const trainOpts: TrainOptions = { ...o.train };
  if (o.initialTheta) trainOpts.initialTheta = o.initialTheta.values;
  if (o.outDir.trim() === "") throw new UserError("out: needs a folder name");
  const res = await trainModel(problem, parts.test, trainOpts, ex, onStep);
  const seconds = (performance.now() - t0) / 1000;

  const dir = resolve(o.outDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create output folder ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const files: Record<string, string> = { ...TRAIN_FILES };
  saveParams(join(dir, TRAIN_FILES.theta), join(dir, TRAIN_FILES.thetaJson), layout, res.theta);
  saveNpy(join(dir, TRAIN_FILES.thetaInit), float64Array([layout.size], res.initialTheta));
  saveNpy(join(dir, TRAIN_FILES.trajectory), float64Array([res.trajectory.rows, res.trajectory.cols], res.trajectory.data));
  if (problem.writeModel) {
    const name = `${TRAINED_MODEL_BASENAME}${problem.writeModel.extension}`;
    writeFileAtomic(join(dir, name), problem.writeModel.write(res.theta));
    files["model"] = name;
  }
  const final = res.history[res.history.length - 1]!;
  const manifest = {
    tool: "losscape train",
    model: problem.description.spec,
    specSource: problem.source,
    data: {
      name: ds.name, samples: ds.n, trainSamples: parts.train.n, testSamples: parts.test?.n ?? 0,
      split: o.split
    },
    options: {
      optimizer: o.train.optimizer, batchSize: o.train.batchSize, epochs: o.train.epochs, seed: o.train.seed,
      init: o.initialTheta ? `file:${o.initialTheta.source}` : problem.theta0 && o.train.init === "auto" ? "the model's own weights" : o.train.init,
      checkpointEvery: o.train.checkpointEvery, dtype: o.train.dtype
    },
    parameters: layout.size,
    layout: layout.blocks,
    ...(layout.buffers?.length ? { buffers: layout.buffers } : {}),
    stepsPerEpoch: res.stepsPerEpoch,
    totalSteps: res.totalSteps,
    checkpointSteps: res.checkpointSteps,
    history: res.history,
    final,
    files,
    executor: ex.name,
    versions: runtimeVersions(),
    timing: { seconds: +seconds.toFixed(3) }
  };
  writeFileAtomic(join(dir, TRAIN_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    outDir: dir, files: Object.values(files), final, totalSteps: res.totalSteps, checkpoints: res.trajectory.rows,
    parameters: layout.size, trainSamples: parts.train.n, testSamples: parts.test?.n ?? 0, seconds
  };
}
