import type { Executor } from "../../exec/executor.js";
import type { LossProblem } from "../../model/problem/loss-problem.js";

export type Metric = "loss" | "accuracy" | "eig-ratio";
export const METRICS: readonly Metric[] = ["loss", "accuracy", "eig-ratio"];
/** The metrics the landscape computes itself from the network's forward pass. */
export type NetworkMetric = "loss" | "accuracy";
export const NETWORK_METRICS: readonly NetworkMetric[] = ["loss", "accuracy"];
/**
 * Metrics computed by an evaluator the caller plugs in (the Hessian's |λmin/λmax|): the landscape
 * layer sits above hessian/ and cannot import it.
 */
export type PluginMetric = Exclude<Metric, NetworkMetric>;

export function isNetworkMetric(m: Metric): m is NetworkMetric {
  return (NETWORK_METRICS as readonly Metric[]).includes(m);
}
export type FloatType = "float32" | "float64";

/** The loss (and accuracy) of the problem at θ + Σ c_k d_k, for coordinates c in a line or plane. */
export interface SurfaceProblem {
  problem: LossProblem;
  theta: Float64Array;
  dirs: readonly Float64Array[];
  /** Only network metrics (loss, accuracy) are evaluated from a SurfaceProblem. */
  metrics: readonly Metric[];
  dtype: FloatType;
}

/** Writes θ + Σ_k c_k d_k into `out`, c the coordinates of point q in `coords` (points × dirs.length, row-major). */
export function planePoint(theta: Float64Array, dirs: readonly Float64Array[], coords: Float64Array, q: number, out: Float64Array): Float64Array {
  const m = dirs.length;
  out.set(theta);
  for (let k = 0; k < m; k++) {
    const c = coords[q * m + k]!, d = dirs[k]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + c * d[i]!;
  }
  return out;
}

/** Values of each requested metric at `count` points, in point order. */
export type MetricValues = Partial<Record<Metric, Float64Array>>;

/**
 * The batching loop the batched evaluators share: `fill(slot, point)` writes a point's inputs into a
 * batch slot, `run()` evaluates the batch and returns each metric per slot. A short final batch
 * repeats its last point, so one graph (one ONNX session) serves every batch.
 */
export async function evaluateInBatches(
  metrics: readonly Metric[],
  batch: number,
  count: number,
  fill: (slot: number, point: number) => void,
  run: () => Promise<Readonly<Record<string, { data: Float64Array }>>>
): Promise<MetricValues> {
  const res: MetricValues = {};
  for (const k of metrics) res[k] = new Float64Array(count);
  for (let start = 0; start < count; start += batch) {
    const used = Math.min(batch, count - start);
    for (let q = 0; q < batch; q++) fill(q, start + Math.min(q, used - 1));
    const r = await run();
    for (const k of metrics) res[k]!.set(r[k]!.data.subarray(0, used), start);
  }
  return res;
}

export interface PointEvaluator {
  /** Points per executor run. */
  readonly batch: number;
  /** coords: count × dims row-major (α, β per point). */
  evaluate(coords: Float64Array, count: number): Promise<MetricValues>;
}

/** The line or plane a plug-in metric is evaluated on: θ + Σ c_k d_k, with the loss's data. */
export interface PluginProblem {
  problem: LossProblem;
  theta: Float64Array;
  dirs: readonly Float64Array[];
}

export interface MetricPluginEvaluator {
  /** Points per call; progress is reported after each call (default: a whole chunk per call). */
  readonly batch?: number;
  /** coords: count × dims row-major; returns the plug-in's metric under its name, `count` values in point order. */
  evaluate(coords: Float64Array, count: number): Promise<Readonly<Record<string, Float64Array>>>;
  /** Counters for the manifest (e.g. HVPs spent) over the points this run computed. */
  summary?(): Record<string, unknown>;
}

export interface MetricPlugin {
  /**
   * Everything besides the landscape's own inputs that changes the plug-in's values (method, seed,
   * tolerances, precision). It joins the resume identity, so a rerun with other settings is refused
   * instead of mixing chunks.
   */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Called once per run, before the first chunk that needs it. */
  create(problem: PluginProblem, ex: Executor): MetricPluginEvaluator;
}

export type MetricPlugins = Partial<Record<PluginMetric, MetricPlugin>>;
