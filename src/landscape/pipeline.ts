/**
 * In-memory versions of the train -> landscape steps that the explorer and the demo report run on
 * small models: training with per-step hooks, the loss on the PCA plane of the trajectory, and the
 * loss on the line between two trained minima. They reuse the landscape layer's directions and
 * first-layer-shortcut evaluator; nothing is written to disk. `check` is called between steps so a
 * caller can stop the work (by throwing) when its client goes away.
 */
import type { Executor } from "../exec/executor.js";
import type { Dataset } from "../model/datasets/dataset.js";
import { lossTask } from "../model/data.js";
import type { ParamLayout } from "../model/layout.js";
import type { ModelSpec } from "../model/spec.js";
import { trainModel, type StepInfo, type TrainResult } from "../model/train/train.js";
import { makeDirections } from "./directions/make-directions.js";
import { createPlaneEvaluator } from "./evaluate/plane.js";
import type { Metric, MetricValues } from "./evaluate/problem.js";

export interface ModelProblem {
  spec: ModelSpec;
  dataset: Dataset;
  layout: ParamLayout;
}

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

export function totalSteps(p: ModelProblem, t: TrainSettings): number {
  const b = t.batchSize === 0 || t.batchSize >= p.dataset.n ? p.dataset.n : t.batchSize;
  return Math.ceil(p.dataset.n / b) * t.epochs;
}

export async function trainRun(p: ModelProblem, t: TrainSettings, ex: Executor, hooks: PipelineHooks = {}): Promise<TrainResult> {
  const steps = totalSteps(p, t);
  return trainModel(
    p.spec,
    { train: p.dataset, test: null },
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

export function metricsFor(spec: ModelSpec): Metric[] {
  return lossTask(spec.loss) === "classification" ? ["loss", "accuracy"] : ["loss"];
}

async function evaluateGrid(
  p: ModelProblem, theta: Float64Array, dirs: Float64Array[], coords: Float64Array, count: number, ex: Executor, hooks: PipelineHooks
): Promise<MetricValues> {
  const metrics = metricsFor(p.spec);
  const evaluator = await createPlaneEvaluator({ spec: p.spec, layout: p.layout, data: p.dataset, theta, dirs, metrics, dtype: "float64" }, ex);
  const dims = dirs.length;
  const out: MetricValues = {};
  for (const m of metrics) out[m] = new Float64Array(count);
  const chunk = Math.max(evaluator.batch, 64);
  for (let start = 0; start < count; start += chunk) {
    hooks.check?.();
    const n = Math.min(chunk, count - start);
    const r = await evaluator.evaluate(coords.subarray(start * dims, (start + n) * dims), n);
    for (const m of metrics) out[m]!.set(r[m]!, start);
    hooks.onPoints?.(start + n, count);
  }
  return out;
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
export async function pcaSurface(p: ModelProblem, run: TrainResult, side: number, ex: Executor, hooks: PipelineHooks = {}): Promise<PlaneSurface> {
  const d = makeDirections(run.theta, p.layout, { kind: "pca", trajectory: run.trajectory });
  const pca = d.pca!;
  const px: number[] = [], py: number[] = [];
  for (let i = 0; i < pca.rows; i++) {
    px.push(pca.projection[2 * i]!);
    py.push(pca.projection[2 * i + 1]!);
  }
  const x = around(px, side), y = around(py, side);
  const coords = new Float64Array(side * side * 2);
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      coords[2 * (j * side + i)] = x[i]!;
      coords[2 * (j * side + i) + 1] = y[j]!;
    }
  }
  const values = await evaluateGrid(p, run.theta, [d.dirs[0], d.dirs[1]!], coords, side * side, ex, hooks);
  return { x, y, values, explainedVarianceRatio: pca.explainedVarianceRatio, projection: pca.projection, rows: pca.rows };
}

export interface LineProfile {
  /** Position: θ(t) = θa + t·(θb − θa). */
  t: Float64Array;
  values: MetricValues;
}

/** The loss on the line through θa (t = 0) and θb (t = 1), a little beyond both ends. */
export async function lineProfile(p: ModelProblem, a: Float64Array, b: Float64Array, num: number, ex: Executor, hooks: PipelineHooks = {}, range: [number, number] = [-0.25, 1.25]): Promise<LineProfile> {
  const dir = b.map((v, i) => v - a[i]!);
  const t = Float64Array.from({ length: num }, (_, i) => range[0] + ((range[1] - range[0]) * i) / (num - 1));
  const values = await evaluateGrid(p, a, [dir], t, num, ex, hooks);
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
