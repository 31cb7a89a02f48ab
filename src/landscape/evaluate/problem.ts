import type { Dataset } from "../../model/datasets/dataset.js";
import type { ParamLayout } from "../../model/layout.js";
import type { ModelSpec } from "../../model/spec.js";

export type Metric = "loss" | "accuracy";
export const METRICS: readonly Metric[] = ["loss", "accuracy"];
export type FloatType = "float32" | "float64";

/** The loss (and accuracy) of `spec` on `data` at θ + Σ c_k d_k, for coordinates c in a line or plane. */
export interface SurfaceProblem {
  spec: ModelSpec;
  layout: ParamLayout;
  data: Dataset;
  theta: Float64Array;
  dirs: readonly Float64Array[];
  metrics: readonly Metric[];
  dtype: FloatType;
}

/** Values of each requested metric at `count` points, in point order. */
export type MetricValues = Partial<Record<Metric, Float64Array>>;

export interface PointEvaluator {
  /** Points per executor run. */
  readonly batch: number;
  /** coords: count × dims row-major (α, β per point). */
  evaluate(coords: Float64Array, count: number): Promise<MetricValues>;
}
