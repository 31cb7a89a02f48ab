/**
 * `losscape train` as one library call: load spec and data, split, train, write the result folder
 * (θ as .npy + JSON, the initial θ, the checkpoint trajectory, manifest.json). Nothing is written
 * until training has finished, so a failed run leaves no half-written folder.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { float64Array, saveNpy } from "../../io/npy.js";
import type { Executor } from "../../exec/executor.js";
import { UserError } from "../../util/errors.js";
import { resolveData } from "../data.js";
import { mlpLayout } from "../layout.js";
import { loadModelSource } from "./spec-source.js";
import { loadParamVector, saveParams } from "./params-file.js";
import { splitData, type SplitOptions } from "./split-data.js";
import { trainModel, type EpochRecord, type StepInfo, type TrainOptions } from "./train.js";
import { runtimeVersions } from "./versions.js";

export interface RunTrainingOptions {
  /** Spec file or example name. */
  spec: string;
  cwd?: string;
  split: SplitOptions;
  train: Omit<TrainOptions, "initialTheta">;
  /** Start from these parameters (.npy/.json) instead of a seeded init. */
  initParams?: string;
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

export async function runTraining(o: RunTrainingOptions, ex: Executor, onStep?: (s: StepInfo) => void): Promise<RunTrainingSummary> {
  const t0 = performance.now();
  const cwd = o.cwd ?? process.cwd();
  const src = loadModelSource(o.spec, cwd);
  const ds = resolveData(src.spec, src.specDir);
  const parts = splitData(ds, o.split);
  const layout = mlpLayout(src.spec);
  const trainOpts: TrainOptions = { ...o.train };
  if (o.initParams) trainOpts.initialTheta = loadParamVector(resolve(cwd, o.initParams), layout.size, "--init-params");
  if (o.outDir.trim() === "") throw new UserError("--out needs a folder name");
  const res = await trainModel(src.spec, parts, trainOpts, ex, onStep);
  const seconds = (performance.now() - t0) / 1000;

  const dir = resolve(cwd, o.outDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create output folder ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  saveParams(join(dir, TRAIN_FILES.theta), join(dir, TRAIN_FILES.thetaJson), layout, res.theta);
  saveNpy(join(dir, TRAIN_FILES.thetaInit), float64Array([layout.size], res.initialTheta));
  saveNpy(join(dir, TRAIN_FILES.trajectory), float64Array([res.trajectory.rows, res.trajectory.cols], res.trajectory.data));
  const final = res.history[res.history.length - 1]!;
  const manifest = {
    tool: "losscape train",
    spec: src.spec,
    specSource: src.source,
    data: {
      name: ds.name, samples: ds.n, trainSamples: parts.train.n, testSamples: parts.test?.n ?? 0,
      split: o.split
    },
    options: {
      optimizer: o.train.optimizer, batchSize: o.train.batchSize, epochs: o.train.epochs, seed: o.train.seed,
      init: o.initParams ? `file:${o.initParams}` : o.train.init, checkpointEvery: o.train.checkpointEvery, dtype: o.train.dtype
    },
    parameters: layout.size,
    layout: layout.blocks,
    stepsPerEpoch: res.stepsPerEpoch,
    totalSteps: res.totalSteps,
    checkpointSteps: res.checkpointSteps,
    history: res.history,
    final,
    files: { ...TRAIN_FILES },
    executor: ex.name,
    versions: runtimeVersions(),
    timing: { seconds: +seconds.toFixed(3) }
  };
  writeFileAtomic(join(dir, TRAIN_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    outDir: dir, files: Object.values(TRAIN_FILES), final, totalSteps: res.totalSteps, checkpoints: res.trajectory.rows,
    parameters: layout.size, trainSamples: parts.train.n, testSamples: parts.test?.n ?? 0, seconds
  };
}
