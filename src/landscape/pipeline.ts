/**
 * In-memory versions of the train -> landscape steps that the explorer and the demo report run on
 * small models: training with per-step hooks, the loss on the PCA plane of the trajectory, and the
 * loss on the line between two trained minima. They run the one surface engine with an in-memory
 * store (the CLI's runs use a folder); nothing is written to disk. `check` is called between steps so a
 * caller can stop the work (by throwing) when its client goes away.
 */
import type { Executor } from "../exec/executor.js";
import { lossTask } from "../model/data.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { trainModel, type StepInfo, type TrainResult } from "../model/train/train.js";
import { makeDirections } from "./directions/make-directions.js";
import type { Metric, MetricValues, SurfaceProblem } from "./evaluate/problem.js";
import { defaultBatch, evaluateSurface, evaluatorKind, memorySink } from "./surface-engine.js";

export interface TrainSettings {
  optimizer: "sgd" | "adam";
  lr: number;
  momentum: number;
  epochs: number;
  batchSize: number;
  seed: number;
}

export interface PipelineHooks {
  /** Throws to stop the work (e.g. the client cancelled). */
  check?: () => void;
  onStep?: (info: StepInfo) => void;
  onPoints?: (done: number, total: number) => void;
}

/** Checkpoints kept for the PCA plane: about this many, whatever the number of steps. */
const TARGET_CHECKPOINTS = 120;

export function totalSteps(p: LossProblem, t: TrainSettings): number {
  const b = t.batchSize === 0 || t.batchSize >= p.data.n ? p.data.n : t.batchSize;
  return Math.ceil(p.data.n / b) * t.epochs;
}

export async function trainRun(p: LossProblem, t: TrainSettings, ex: Executor, hooks: PipelineHooks = {}): Promise<TrainResult> {
  const steps = totalSteps(p, t);
  return trainModel(
    p,
    null,
    {
      optimizer: { name: t.optimizer, lr: t.lr, momentum: t.optimizer === "sgd" ? t.momentum : 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      batchSize: t.batchSize, epochs: t.epochs, seed: t.seed, init: "auto",
      checkpointEvery: Math.max(1, Math.floor(steps / TARGET_CHECKPOINTS)), dtype: "float64"
    },
    ex,
    (info) => {
      hooks.check?.();
      hooks.onStep?.(info);
    }
  );
}

export function metricsFor(p: LossProblem): Metric[] {
  return lossTask(p.head.loss) === "classification" ? ["loss", "accuracy"] : ["loss"];
}

/** Chunks small enough that a cancelled client stops the work soon. */
const MEMORY_CHUNK_POINTS = 64;

/** The grid xs × ys (ys null: the line xs) through θ along dirs, evaluated in memory. */
async function evaluateGrid(
  p: LossProblem, theta: Float64Array, dirs: Float64Array[], xs: Float64Array, ys: Float64Array | null, ex: Executor, hooks: PipelineHooks
): Promise<MetricValues> {
  const metrics = metricsFor(p);
  const surface: SurfaceProblem = { problem: p, theta, dirs, metrics, dtype: "float64" };
  const kind = evaluatorKind(surface, false);
  const batch = Math.min(defaultBatch(surface, kind), MEMORY_CHUNK_POINTS);
  const chunkSize = batch * Math.max(1, Math.round(MEMORY_CHUNK_POINTS / batch));
  const totalPoints = xs.length * (ys ? ys.length : 1);
  const run = await evaluateSurface(surface, { xs, ys, chunks: { totalPoints, chunkSize, metrics } }, memorySink(), {
    kind, batch,
    ...(hooks.check ? { check: hooks.check } : {}),
    onProgress: (done, total) => hooks.onPoints?.(done, total)
  }, ex);
  return run.values;
}

export interface PlaneSurface {
  x: Float64Array;
  y: Float64Array;
  /** Row-major [ny, nx]: values[j * nx + i] is at (x_i, y_j). */
  values: MetricValues;
  explainedVarianceRatio: [number, number];
  /** The trajectory's checkpoints projected on the plane, (x, y) pairs. */
  projection: Float64Array;
  rows: number;
}

function around(values: number[], side: number): Float64Array {
  let lo = Math.min(0, ...values), hi = Math.max(0, ...values);
  if (!(hi > lo)) {
    lo = -1;
    hi = 1;
  }
  const pad = 0.25 * (hi - lo);
  lo -= pad;
  hi += pad;
  return Float64Array.from({ length: side }, (_, i) => lo + ((hi - lo) * i) / (side - 1));
}

/** The loss around the final θ on the plane of the trajectory's two principal directions. */
export async function pcaSurface(p: LossProblem, run: TrainResult, side: number, ex: Executor, hooks: PipelineHooks = {}): Promise<PlaneSurface> {
  const d = makeDirections(run.theta, p.layout, { kind: "pca", trajectory: run.trajectory });
  const pca = d.pca!;
  const px: number[] = [], py: number[] = [];
  for (let i = 0; i < pca.rows; i++) {
    px.push(pca.projection[2 * i]!);
    py.push(pca.projection[2 * i + 1]!);
  }
  const x = around(px, side), y = around(py, side);
  const values = await evaluateGrid(p, run.theta, [d.dirs[0], d.dirs[1]!], x, y, ex, hooks);
  return { x, y, values, explainedVarianceRatio: pca.explainedVarianceRatio, projection: pca.projection, rows: pca.rows };
}

export interface LineProfile {
  /** Position: θ(t) = θa + t·(θb − θa). */
  t: Float64Array;
  values: MetricValues;
}

/** The loss on the line through θa (t = 0) and θb (t = 1), a little beyond both ends. */
export async function lineProfile(p: LossProblem, a: Float64Array, b: Float64Array, num: number, ex: Executor, hooks: PipelineHooks = {}, range: [number, number] = [-0.25, 1.25]): Promise<LineProfile> {
  const dir = b.map((v, i) => v - a[i]!);
  const t = Float64Array.from({ length: num }, (_, i) => range[0] + ((range[1] - range[0]) * i) / (num - 1));
  const values = await evaluateGrid(p, a, [dir], t, null, ex, hooks);
  return { t, values };
}

export interface LineBarrier {
  /** The highest loss on t in [0, 1]. */
  peak: number;
  /** The loss at the samples nearest t = 0 and t = 1. */
  ends: [number, number];
  /** How far the loss between the two ends rises above the higher of them (> 0: not convex along the line). */
  barrier: number;
}

export function lineBarrier(line: LineProfile): LineBarrier {
  const loss = line.values.loss!;
  const nearest = (v: number): number => loss[line.t.reduce((best, t, i) => (Math.abs(t - v) < Math.abs(line.t[best]! - v) ? i : best), 0)]!;
  let peak = -Infinity;
  for (let i = 0; i < loss.length; i++) if (line.t[i]! >= 0 && line.t[i]! <= 1) peak = Math.max(peak, loss[i]!);
  const ends: [number, number] = [nearest(0), nearest(1)];
  return { peak, ends, barrier: peak - Math.max(...ends) };
}
