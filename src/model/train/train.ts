/**
 * Mini-batch training of a loss problem (an MLP spec or an imported ONNX model) on flat θ: gradients from the autodiff graph on any Executor
 * (onnxruntime in the CLI), the update in float64 JS. Every random choice (init, per-epoch shuffle)
 * comes from the seed, and the executor is deterministic, so a seed reproduces θ bit for bit.
 */
import type { Executor } from "../../exec/executor.js";
import { tensor, type Tensor } from "../../ir/tensor.js";
import { field, UserError } from "../../util/errors.js";
import { createRng } from "../../util/random.js";
import type { Dataset } from "../datasets/dataset.js";
import type { ParamLayout } from "../layout.js";
import { prepareTargets } from "../losses.js";
import type { LossProblem } from "../problem/loss-problem.js";
import { batchGradGraph, lossGraph, type FloatType, type ProblemGraph as LossGraph } from "../problem/loss-graph.js";
import { initParams, type InitScheme } from "./init.js";
import { createOptimizer, type OptimizerConfig } from "./optimizers.js";

export interface TrainOptions {
  optimizer: OptimizerConfig;
  /** Samples per step; 0 or at least n means full-batch gradient descent. */
  batchSize: number;
  epochs: number;
  seed: number;
  init: InitScheme;
  /** Save θ every this many steps into the trajectory; 0 = once per epoch. */
  checkpointEvery: number;
  dtype: FloatType;
  /** Start here instead of a seeded initialisation. */
  initialTheta?: Float64Array;
}

export interface StepInfo {
  step: number;
  totalSteps: number;
  epoch: number;
  batchLoss: number;
  batchAccuracy?: number;
}

export interface EpochRecord {
  epoch: number;
  step: number;
  trainLoss: number;
  trainAccuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
}

export interface TrainResult {
  theta: Float64Array;
  initialTheta: Float64Array;
  layout: ParamLayout;
  /** Checkpoints, row-major [rows, layout.size]: θ at step 0, every checkpointEvery steps, and the final θ. */
  trajectory: { rows: number; cols: number; data: Float64Array };
  checkpointSteps: number[];
  history: EpochRecord[];
  totalSteps: number;
  stepsPerEpoch: number;
}

/** Trajectories beyond this many bytes are refused: a typo like --checkpoint-every 1 on MNIST would fill the disk. */
export const MAX_TRAJECTORY_BYTES = 2 ** 31;

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, rng: { int(k: number): number }): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** The shuffle stream is separate from the init stream, so --init-params does not change batch order. */
const SHUFFLE_STREAM = 0x5eed;

export function validateTrainOptions(o: TrainOptions): void {
  const c = o.optimizer;
  const positive = (name: string, v: number): void => {
    if (!Number.isFinite(v) || v <= 0) throw new UserError(`${name} must be a positive number, got ${v}`);
  };
  positive(field("optimizer.lr"), c.lr);
  if (!Number.isFinite(c.momentum) || c.momentum < 0 || c.momentum >= 1) throw new UserError(`${field("optimizer.momentum")} must be in [0, 1), got ${c.momentum}`);
  if (!Number.isFinite(c.weightDecay) || c.weightDecay < 0) throw new UserError(`${field("optimizer.weightDecay")} must be >= 0, got ${c.weightDecay}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1 || o.epochs > 1_000_000) throw new UserError(`${field("epochs")} must be an integer from 1 to 1000000, got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 0) throw new UserError(`${field("batchSize")} must be a non-negative integer, got ${o.batchSize}`);
  if (!Number.isInteger(o.checkpointEvery) || o.checkpointEvery < 0) throw new UserError(`${field("checkpointEvery")} must be a non-negative integer, got ${o.checkpointEvery}`);
  if (!Number.isSafeInteger(o.seed)) throw new UserError(`${field("seed")} must be an integer, got ${o.seed}`);
}

async function metrics(ex: Executor, lg: LossGraph, theta: Float64Array): Promise<{ loss: number; accuracy?: number }> {
  const r = await ex.run(lg.graph, { theta: tensor([theta.length], theta) }, { outputs: lg.hasAccuracy ? ["loss", "accuracy"] : ["loss"] });
  const out: { loss: number; accuracy?: number } = { loss: r["loss"]!.data[0]! };
  if (lg.hasAccuracy) out.accuracy = r["accuracy"]!.data[0]!;
  return out;
}

/**
 * Trains on `problem`'s data (its training part); `test`, when given, is evaluated after every epoch.
 * Starts from opts.initialTheta, else the model's own weights (ONNX), else a seeded initialisation.
 */
export async function trainModel(
  problem: LossProblem,
  test: Dataset | null,
  opts: TrainOptions,
  ex: Executor,
  onStep: (info: StepInfo) => void = () => {}
): Promise<TrainResult> {
  validateTrainOptions(opts);
  const train = problem.data;
  const layout = problem.layout;
  const P = layout.size;
  const n = train.n;
  const inputDim = train.inputDim;
  const targets = prepareTargets(problem.head, train);
  const k = targets.shape[1]!;
  const batch = opts.batchSize === 0 || opts.batchSize >= n ? n : opts.batchSize;
  const fullBatch = batch === n;
  const stepsPerEpoch = Math.ceil(n / batch);
  const totalSteps = stepsPerEpoch * opts.epochs;
  const every = opts.checkpointEvery === 0 ? stepsPerEpoch : opts.checkpointEvery;
  const rows = 1 + Math.floor(totalSteps / every) + (totalSteps % every === 0 ? 0 : 1);
  if (rows * P * 8 > MAX_TRAJECTORY_BYTES) {
    throw new UserError(`the trajectory would hold ${rows} checkpoints of ${P} parameters (${((rows * P * 8) / 2 ** 30).toFixed(1)} GiB); raise ${field("checkpointEvery")}`);
  }

  let theta: Float64Array;
  if (opts.initialTheta) {
    if (opts.initialTheta.length !== P) throw new UserError(`initial parameters have ${opts.initialTheta.length} values, the model has ${P}`);
    theta = Float64Array.from(opts.initialTheta);
  } else if (problem.theta0 && opts.init === "auto") {
    theta = Float64Array.from(problem.theta0);
  } else {
    theta = initParams(problem, opts.seed, opts.init);
  }
  const initialTheta = Float64Array.from(theta);

  const evalTrain = lossGraph(problem, { dtype: opts.dtype });
  const evalTest = test ? lossGraph(problem, { dtype: opts.dtype, data: test }) : null;
  const fullGrad = fullBatch ? lossGraph(problem, { dtype: opts.dtype, withGrad: true }) : null;
  const gradGraphs = new Map<number, LossGraph>();
  const gradFor = (b: number): LossGraph => {
    let lg = gradGraphs.get(b);
    if (!lg) {
      lg = batchGradGraph(problem, b, k, opts.dtype);
      gradGraphs.set(b, lg);
    }
    return lg;
  };

  const opt = createOptimizer(opts.optimizer, P);
  const shuffleRng = createRng(opts.seed + SHUFFLE_STREAM);
  const traj = new Float64Array(rows * P);
  traj.set(theta, 0);
  let row = 1;
  const checkpointSteps = [0];
  const history: EpochRecord[] = [];
  const xBuf = new Float64Array(batch * inputDim);
  const tBuf = new Float64Array(batch * k);
  let step = 0;

  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const order = fullBatch ? null : permutation(n, shuffleRng);
    for (let s = 0; s < stepsPerEpoch; s++) {
      let res: Record<string, Tensor>;
      let lg: LossGraph;
      const thetaT = tensor([P], theta);
      if (fullGrad) {
        lg = fullGrad;
        res = await ex.run(lg.graph, { theta: thetaT });
      } else {
        const from = s * batch;
        const b = Math.min(batch, n - from);
        for (let r = 0; r < b; r++) {
          const i = order![from + r]!;
          xBuf.set(train.x.subarray(i * inputDim, (i + 1) * inputDim), r * inputDim);
          tBuf.set(targets.data.subarray(i * k, (i + 1) * k), r * k);
        }
        lg = gradFor(b);
        res = await ex.run(lg.graph, {
          theta: thetaT,
          x: tensor([b, ...problem.sampleShape], b === batch ? xBuf : xBuf.slice(0, b * inputDim)),
          t: tensor([b, k], b === batch ? tBuf : tBuf.slice(0, b * k))
        });
      }
      const g = res["grad:theta"]!.data;
      const batchLoss = res["loss"]!.data[0]!;
      if (!Number.isFinite(batchLoss)) {
        throw new UserError(`training diverged at step ${step + 1} (epoch ${epoch}): the loss is ${batchLoss}; lower ${field("optimizer.lr")}`);
      }
      opt.step(theta, g);
      step++;
      if (step % every === 0 || step === totalSteps) {
        traj.set(theta, row * P);
        row++;
        checkpointSteps.push(step);
      }
      const info: StepInfo = { step, totalSteps, epoch, batchLoss };
      if (lg.hasAccuracy) info.batchAccuracy = res["accuracy"]!.data[0]!;
      onStep(info);
    }
    const tr = await metrics(ex, evalTrain, theta);
    const rec: EpochRecord = { epoch, step, trainLoss: tr.loss };
    if (tr.accuracy !== undefined) rec.trainAccuracy = tr.accuracy;
    if (evalTest) {
      const te = await metrics(ex, evalTest, theta);
      rec.testLoss = te.loss;
      if (te.accuracy !== undefined) rec.testAccuracy = te.accuracy;
    }
    history.push(rec);
  }
  if (row !== rows) throw new Error(`trajectory bookkeeping: wrote ${row} rows, expected ${rows}`);
  return {
    theta, initialTheta, layout, trajectory: { rows, cols: P, data: traj }, checkpointSteps, history, totalSteps, stepsPerEpoch
  };
}
