/**
 * The one surface engine. A plan (the grid and its chunks) is evaluated chunk by chunk against a
 * store: chunks the store already holds are reused, the missing ones are computed and written. The
 * CLI's resumable runs use the folder store (ChunkStore), the explorer and the demo an in-memory one;
 * both see the same evaluators, so a surface is the same numbers wherever it is drawn.
 */
import type { Executor } from "../exec/executor.js";
import { chunkCount, chunkRange, type ChunkLayout } from "./chunk-store.js";
import { createFirstLinearEvaluator, FIRST_LINEAR_BATCH, MAX_FIRST_LINEAR_BATCH } from "./evaluate/first-linear.js";
import { createPlainEvaluator } from "./evaluate/plain.js";
import { createPlaneEvaluator, defaultPlaneBatch } from "./evaluate/plane.js";
import {
  isNetworkMetric,
  type Metric,
  type MetricPluginEvaluator,
  type MetricPlugins,
  type MetricValues,
  type PluginMetric,
  type PointEvaluator,
  type SurfaceProblem
} from "./evaluate/problem.js";

/** Where chunks live: a resumable folder, or memory. */
export interface ChunkSink {
  read(chunk: number): Float64Array[] | null;
  write(chunk: number, values: Float64Array[]): void;
}

export function memorySink(): ChunkSink {
  const chunks = new Map<number, Float64Array[]>();
  return { read: (c) => chunks.get(c) ?? null, write: (c, v) => void chunks.set(c, v) };
}

export interface SurfacePlan {
  /** x values, and y values for a plane (null for a line). */
  xs: Float64Array;
  ys: Float64Array | null;
  chunks: ChunkLayout;
}

export type EvaluatorKind = "plain" | "first-layer shortcut" | "first linear op precomputed";

/**
 * Which evaluator a problem gets: the MLP's batched plane; for other networks whose first op is linear in θ
 * (an imported CNN's first Conv), that op precomputed; else one network per point.
 */
export function evaluatorKind(p: SurfaceProblem, plain: boolean): EvaluatorKind {
  if (plain) return "plain";
  if (p.problem.structure.mlp) return "first-layer shortcut";
  return p.problem.structure.firstLinear ? "first linear op precomputed" : "plain";
}

export const EVALUATOR_METHODS: Record<EvaluatorKind, string> = {
  plain: "plain (one full network per point)",
  "first-layer shortcut": "first-layer shortcut (X·W(α,β)ᵀ = X·W0ᵀ + α X·D1ᵀ + β X·D2ᵀ precomputed)",
  "first linear op precomputed":
    "first linear op precomputed (its output Z(α,β) = Z0 + α Z1 + β Z2, Z_k = first op of x at θ or d_k, computed once; the layers above evaluated per point)"
};

/** Points per executor run for the chosen evaluator (the MLP plane batches; the others take one point per run). */
export function defaultBatch(p: SurfaceProblem, kind: EvaluatorKind): number {
  if (kind === "first-layer shortcut") return defaultPlaneBatch(p);
  return kind === "first linear op precomputed" ? FIRST_LINEAR_BATCH : 1;
}

export async function createSurfaceEvaluator(p: SurfaceProblem, ex: Executor, kind: EvaluatorKind, batch: number): Promise<PointEvaluator> {
  switch (kind) {
    case "plain":
      return createPlainEvaluator(p, ex);
    case "first-layer shortcut":
      return createPlaneEvaluator(p, ex, batch);
    case "first linear op precomputed":
      // Its points per run are copies of the whole network above the first op; more buys nothing (measured).
      return createFirstLinearEvaluator(p, ex, Math.min(batch, MAX_FIRST_LINEAR_BATCH));
  }
}

export interface SurfaceRun {
  /** Every metric over the grid, row-major [ny, nx]. */
  values: MetricValues;
  chunksComputed: number;
  chunksReused: number;
  pointsComputed: number;
  pointsReused: number;
  computeSeconds: number;
  /** Plug-in counters over this run's points. */
  pluginSummaries: Partial<Record<PluginMetric, Record<string, unknown> | null>>;
}

export interface SurfaceOptions {
  kind: EvaluatorKind;
  batch: number;
  metricPlugins?: MetricPlugins;
  /** Throws to stop the work (a client went away). */
  check?: () => void;
  onProgress?: (done: number, total: number, reused: number) => void;
}

/** The grid coordinates of chunk c (count × dims, row-major), the layout every surface shares (x fastest). */
export function chunkCoords(plan: SurfacePlan, c: number): { coords: Float64Array; count: number } {
  const dims = plan.ys ? 2 : 1;
  const nx = plan.xs.length;
  const { start, count } = chunkRange(plan.chunks, c);
  const coords = new Float64Array(count * dims);
  for (let q = 0; q < count; q++) {
    const pt = start + q;
    coords[q * dims] = plan.xs[pt % nx]!;
    if (plan.ys) coords[q * dims + 1] = plan.ys[Math.floor(pt / nx)]!;
  }
  return { coords, count };
}

/** Each metric's values over the whole surface, from every chunk's per-metric values (all present by now). */
export function assembleChunks(plan: SurfacePlan, metrics: readonly Metric[], chunks: readonly (readonly Float64Array[] | null)[]): MetricValues {
  const values: MetricValues = {};
  metrics.forEach((m, k) => {
    const a = new Float64Array(plan.chunks.totalPoints);
    for (let c = 0; c < chunkCount(plan.chunks); c++) a.set(chunks[c]![k]!, chunkRange(plan.chunks, c).start);
    values[m] = a;
  });
  return values;
}

export async function evaluateSurface(p: SurfaceProblem, plan: SurfacePlan, sink: ChunkSink, o: SurfaceOptions, ex: Executor): Promise<SurfaceRun> {
  const metrics: readonly Metric[] = plan.chunks.metrics as Metric[];
  const networkMetrics = metrics.filter(isNetworkMetric);
  const pluginMetrics = metrics.filter((m): m is PluginMetric => !isNetworkMetric(m));
  const dims = plan.ys ? 2 : 1;
  const total = plan.chunks.totalPoints;
  const nChunks = chunkCount(plan.chunks);
  const chunks: (Float64Array[] | null)[] = [];
  let reused = 0;
  for (let c = 0; c < nChunks; c++) {
    const v = sink.read(c);
    chunks.push(v);
    if (v) reused += chunkRange(plan.chunks, c).count;
  }
  const progress = o.onProgress ?? (() => {});
  const t0 = performance.now();
  const netProblem: SurfaceProblem = { ...p, metrics: networkMetrics };
  let evaluator: PointEvaluator | null = null;
  const plugins = new Map<PluginMetric, MetricPluginEvaluator>();
  let done = reused, computed = 0, pointsComputed = 0;
  progress(done, total, reused);
  for (let c = 0; c < nChunks; c++) {
    if (chunks[c]) continue;
    o.check?.();
    const { coords, count } = chunkCoords(plan, c);
    const r: MetricValues = {};
    if (networkMetrics.length > 0) {
      evaluator ??= await createSurfaceEvaluator(netProblem, ex, o.kind, o.batch);
      Object.assign(r, await evaluator.evaluate(coords, count));
    }
    for (const [k, m] of pluginMetrics.entries()) {
      let pe = plugins.get(m);
      if (!pe) {
        const plugin = o.metricPlugins?.[m];
        if (!plugin) throw new Error(`metric ${m} has no evaluator`);
        pe = plugin.create({ problem: p.problem, theta: p.theta, dirs: p.dirs }, ex);
        plugins.set(m, pe);
      }
      const out = new Float64Array(count);
      const step = pe.batch ?? count;
      for (let s = 0; s < count; s += step) {
        o.check?.();
        const n = Math.min(step, count - s);
        const v = (await pe.evaluate(coords.subarray(s * dims, (s + n) * dims), n))[m];
        if (!v || v.length < n) throw new Error(`metric plug-in ${m} returned ${v ? v.length : "no"} values for ${n} points`);
        out.set(v.subarray(0, n), s);
        // Slow plug-ins report inside the chunk; the chunk's own report follows its write.
        const partial = Math.floor((k * count + s + n) / pluginMetrics.length);
        if (partial < count) progress(done + partial, total, reused);
      }
      r[m] = out;
    }
    const vals = metrics.map((m) => r[m]!);
    sink.write(c, vals);
    chunks[c] = vals;
    computed++;
    pointsComputed += count;
    done += count;
    progress(done, total, reused);
  }
  const computeSeconds = (performance.now() - t0) / 1000;
  const values = assembleChunks(plan, metrics, chunks);
  const pluginSummaries: SurfaceRun["pluginSummaries"] = {};
  for (const m of pluginMetrics) pluginSummaries[m] = plugins.get(m)?.summary?.() ?? null;
  return { values, chunksComputed: computed, chunksReused: nChunks - computed, pointsComputed, pointsReused: reused, computeSeconds, pluginSummaries };
}
