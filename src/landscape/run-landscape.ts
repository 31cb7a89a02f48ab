/**
 * `losscape landscape` as one library call: from a loss problem, θ and the direction choice, evaluate
 * the loss (and accuracy, and any plugged-in metric such as the Hessian's |λmin/λmax|) on a 1-D line or
 * 2-D plane through θ in resumable chunks (the one surface engine, with a folder store); write the
 * arrays, the directions and manifest.json. Every input is validated before anything is written, so a
 * user error leaves no half-written folder.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic-write.js";
import { float64Array, saveNpy } from "../io/npy.js";
import type { Executor } from "../exec/executor.js";
import { lossTask } from "../model/data.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { selectPart, splitData, type SplitName, type SplitOptions } from "../model/train/split-data.js";
import { runtimeVersions } from "../model/train/versions.js";
import { UserError } from "../util/errors.js";
import { identityKey, sha256OfFloats } from "../util/run-identity.js";
import { ChunkStore, chunkCount, type RunIdentity } from "./chunk-store.js";
import { makeDirections, type DirectionRequest } from "./directions/make-directions.js";
import type { Normalization } from "./directions/normalize.js";
import { defaultBatch, EVALUATOR_METHODS, evaluateSurface, evaluatorKind } from "./surface-engine.js";
import { evaluateSurfaceRemote, type ChunkEvaluator } from "./remote-surface.js";
import {
  isNetworkMetric,
  METRICS,
  type FloatType,
  type Metric,
  type MetricPlugins,
  type MetricValues,
  type PluginMetric,
  type SurfaceProblem
} from "./evaluate/problem.js";
import { formatRange, rangeValues, type AxisRange } from "./range.js";

/** A named vector the caller loaded (from a file): the source is recorded in the manifest. */
export interface NamedVector {
  values: Float64Array;
  source: string;
}

export type DirectionChoice =
  | { kind: "random"; seed: number; normalization: Normalization; ignoreBias: boolean; orthogonal: boolean }
  | { kind: "line"; to: NamedVector }
  | { kind: "pca"; trajectory: { rows: number; cols: number; data: Float64Array; source: string } }
  | { kind: "files"; dir1: NamedVector; dir2?: NamedVector };

export interface LandscapeRequest {
  /** The problem over the whole data set (the split is taken here). */
  problem: LossProblem;
  theta: NamedVector;
  directions: DirectionChoice;
  /** Defaults: -1:1:51; 0:1:51 for a line to a second model; around the trajectory for PCA. */
  x?: AxisRange;
  /** Present for a 2-D surface (implied by PCA and by two direction files). */
  y?: AxisRange;
  /** Default: loss, plus accuracy for classification losses. */
  metrics?: Metric[];
  /** Evaluators of the metrics the landscape cannot compute itself ("eig-ratio"); needed only when requested. */
  metricPlugins?: MetricPlugins;
  split: SplitName;
  splitOptions: SplitOptions;
  dtype: FloatType;
  /** Grid points per executor run (default from a memory budget). */
  batchPoints?: number;
  /** Grid points per chunk file (default about 256, a multiple of batchPoints). */
  chunkSize?: number;
  /** Evaluate one full network per point instead of the first-layer shortcut (slow; for checking). */
  plain?: boolean;
  force: boolean;
  /** Absolute (or cwd-relative) output folder. */
  outDir: string;
  /** More files in outDir that belong to a run (plots) and are removed with force. */
  extraOutputs?: readonly string[];
  /**
   * Compute the missing chunks elsewhere (a worker pool). Chunks still land in the folder store as they
   * arrive, and the identity is the local run's: a queue run and a local run resume each other.
   */
  remote?: ChunkEvaluator;
}

export interface LandscapeProgress {
  done: number;
  total: number;
  /** Points found on disk from an earlier run. */
  reused: number;
  /** Remote runs: distinct workers that have returned chunks so far. */
  workers?: number;
}

export interface LandscapeResult {
  outDir: string;
  dims: 1 | 2;
  x: Float64Array;
  /** null for 1-D. */
  y: Float64Array | null;
  metrics: Metric[];
  /** Each metric over the grid, row-major [ny, nx] (1-D: [nx]): values[j * nx + i] is at (x_i, y_j). */
  values: MetricValues;
  lossName: string;
  pca?: { explainedVarianceRatio: [number, number]; projection: Float64Array; rows: number };
  directionInfo: Record<string, unknown>;
  chunksComputed: number;
  chunksReused: number;
  pointsComputed: number;
  /** Seconds spent evaluating points in this run (precomputation included). */
  computeSeconds: number;
  manifest: Record<string, unknown>;
}

export const LANDSCAPE_FILES = {
  manifest: "manifest.json",
  loss: "loss.npy",
  accuracy: "accuracy.npy",
  "eig-ratio": "eig-ratio.npy",
  x: "x.npy",
  y: "y.npy",
  dir1: "dir1.npy",
  dir2: "dir2.npy",
  projection: "pca-projection.npy"
} as const;

const DEFAULT_RANGE: AxisRange = { min: -1, max: 1, num: 51 };
const TARGET_CHUNK_POINTS = 256;
/** A plug-in metric can cost seconds per point (a Lanczos run of tens of HVPs), so chunks stay small. */
const TARGET_PLUGIN_CHUNK_POINTS = 16;
export const MAX_GRID_POINTS = 10_000_000;

/** A range around the PCA projection of the trajectory, with a margin, always containing θ (the origin). */
function autoRange(values: number[], num: number): AxisRange {
  let lo = Math.min(0, ...values), hi = Math.max(0, ...values);
  if (!(hi > lo)) {
    lo = -1;
    hi = 1;
  }
  const pad = 0.2 * (hi - lo);
  const r = (v: number): number => Number(v.toPrecision(3));
  return { min: r(lo - pad), max: r(hi + pad), num };
}

function checkedPositiveInt(v: number | undefined, name: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UserError(`${name} must be an integer from 1 to ${max}, got ${v}`);
  return v;
}

function checkVector(v: NamedVector, P: number, what: string): Float64Array {
  if (v.values.length !== P) throw new UserError(`${what} ${v.source} has ${v.values.length} values, but the model has ${P} parameters`);
  return v.values;
}

export async function runLandscape(
  req: LandscapeRequest,
  ex: Executor,
  onProgress: (p: LandscapeProgress) => void = () => {}
): Promise<LandscapeResult> {
  const full = req.problem;
  const layout = full.layout;
  const P = layout.size;
  const theta = checkVector(req.theta, P, "params");
  const data = selectPart(splitData(full.data, req.splitOptions), req.split);
  const problem = data === full.data ? full : full.withData(data);
  const classification = lossTask(problem.head.loss) === "classification";
  const metrics: Metric[] = req.metrics ?? (classification ? ["loss", "accuracy"] : ["loss"]);
  if (metrics.length === 0) throw new UserError(`metrics: needs at least one of ${METRICS.join(", ")}`);
  if (new Set(metrics).size !== metrics.length) throw new UserError(`metrics: lists a metric twice: ${metrics.join(",")}`);
  const unknown = metrics.filter((m) => !METRICS.includes(m));
  if (unknown.length > 0) throw new UserError(`metrics: unknown metric ${unknown.join(", ")} (valid: ${METRICS.join(", ")})`);
  const networkMetrics = metrics.filter(isNetworkMetric);
  const pluginMetrics = metrics.filter((m): m is PluginMetric => !isNetworkMetric(m));
  for (const m of pluginMetrics) {
    if (!req.metricPlugins?.[m]) throw new UserError(`metrics: ${m} needs its evaluator, which this caller did not provide`);
  }
  if (metrics.includes("accuracy") && !classification) throw new UserError(`metrics: accuracy needs a classification loss; ${problem.head.loss} is a regression loss (use loss only)`);
  const batchOpt = checkedPositiveInt(req.batchPoints, "batchPoints", 4096);
  const chunkOpt = checkedPositiveInt(req.chunkSize, "chunkSize", MAX_GRID_POINTS);

  // Directions, with every vector checked against the model's parameter count.
  const d = req.directions;
  let dreq: DirectionRequest;
  let dims: 1 | 2;
  let xDefault = DEFAULT_RANGE;
  const sources: Record<string, string> = {};
  switch (d.kind) {
    case "random":
      dims = req.y ? 2 : 1;
      dreq = { kind: "random", dims, seed: d.seed, normalization: d.normalization, ignoreBias: d.ignoreBias, orthogonal: d.orthogonal };
      if (!Number.isSafeInteger(d.seed)) throw new UserError(`seed must be an integer, got ${d.seed}`);
      if (d.orthogonal && dims === 1) throw new UserError("orthogonal needs two directions: give a y range for a 2-D surface");
      break;
    case "line":
      if (req.y) throw new UserError("a line to a second model is 1-D: drop the y range");
      dims = 1;
      xDefault = { min: 0, max: 1, num: 51 };
      dreq = { kind: "line", to: checkVector(d.to, P, "to") };
      sources["to"] = d.to.source;
      break;
    case "pca":
      dims = 2;
      if (d.trajectory.cols !== P) throw new UserError(`trajectory ${d.trajectory.source} has ${d.trajectory.cols} columns, but the model has ${P} parameters`);
      dreq = { kind: "pca", trajectory: d.trajectory };
      sources["trajectory"] = d.trajectory.source;
      break;
    case "files":
      if (req.y && !d.dir2) throw new UserError("a y range needs a second direction (dir2)");
      dims = d.dir2 ? 2 : 1;
      dreq = { kind: "files", d1: checkVector(d.dir1, P, "dir1") };
      if (d.dir2) dreq.d2 = checkVector(d.dir2, P, "dir2");
      sources["dir1"] = d.dir1.source;
      if (d.dir2) sources["dir2"] = d.dir2.source;
      break;
  }
  const dirs = makeDirections(theta, layout, dreq);
  const xr = req.x ?? (dirs.pca ? autoRange(Array.from(dirs.pca.projection.filter((_, k) => k % 2 === 0)), 51) : xDefault);
  const yr = dims === 2 ? (req.y ?? (dirs.pca ? autoRange(Array.from(dirs.pca.projection.filter((_, k) => k % 2 === 1)), 51) : DEFAULT_RANGE)) : null;
  const xs = rangeValues(xr);
  const ys = yr ? rangeValues(yr) : null;
  const nx = xs.length, ny = ys ? ys.length : 1;
  const total = nx * ny;
  if (total > MAX_GRID_POINTS) throw new UserError(`the grid has ${total} points; at most ${MAX_GRID_POINTS} are allowed`);

  const surface: SurfaceProblem = { problem, theta, dirs: dirs.dirs, metrics: networkMetrics, dtype: req.dtype };
  const kind = evaluatorKind(surface, req.plain === true);
  const targetChunk = pluginMetrics.length > 0 ? TARGET_PLUGIN_CHUNK_POINTS : TARGET_CHUNK_POINTS;
  const batch = batchOpt ?? Math.min(defaultBatch(surface, kind), targetChunk);
  const chunkSize = chunkOpt ?? batch * Math.max(1, Math.round(targetChunk / batch));
  const chunkLayout = { totalPoints: total, chunkSize, metrics };

  const identityInputs: Record<string, unknown> = {
    spec: problem.description.spec,
    data: { name: data.name, samples: data.n, split: req.split, splitOptions: req.splitOptions, sha256: problem.description.data.sha256 },
    theta: sha256OfFloats(theta),
    directions: { kind: d.kind, ...(d.kind === "random" ? { seed: d.seed, normalization: d.normalization, ignoreBias: d.ignoreBias, orthogonal: d.orthogonal } : {}), sha256: dirs.dirs.map(sha256OfFloats) },
    x: formatRange(xr),
    y: yr ? formatRange(yr) : null,
    metrics,
    // Absent for loss/accuracy-only runs, so their identity (and resumability) is unchanged.
    metricPlugins: pluginMetrics.length > 0 ? Object.fromEntries(pluginMetrics.map((m) => [m, req.metricPlugins![m]!.settings])) : undefined,
    dtype: req.dtype,
    evaluator: kind,
    batchPoints: batch,
    chunkSize
  };
  const identity: RunIdentity = { key: identityKey(identityInputs), inputs: identityInputs };
  const outDir = req.outDir;
  const store = ChunkStore.open(outDir, identity, chunkLayout, { force: req.force, outputs: [...Object.values(LANDSCAPE_FILES), ...(req.extraOutputs ?? [])] });
  const plan = { xs, ys, chunks: chunkLayout };
  const run = req.remote
    ? await evaluateSurfaceRemote(
      {
        identity, surface, plan, metrics, kind, batch,
        pluginSettings: Object.fromEntries(pluginMetrics.map((m) => [m, req.metricPlugins![m]!.settings]))
      },
      store, req.remote,
      (done, totalPoints, reused, workers) => onProgress({ done, total: totalPoints, reused, ...(workers !== undefined ? { workers } : {}) })
    )
    : await evaluateSurface(surface, plan, store, {
      kind, batch, ...(req.metricPlugins ? { metricPlugins: req.metricPlugins } : {}),
      onProgress: (done, totalPoints, reused) => onProgress({ done, total: totalPoints, reused })
    }, ex);
  const values = run.values;
  const nChunks = chunkCount(chunkLayout);

  const shape = ys ? [ny, nx] : [nx];
  const files: Record<string, string> = {};
  for (const m of metrics) {
    saveNpy(join(outDir, LANDSCAPE_FILES[m]), float64Array(shape, values[m]!));
    files[m] = LANDSCAPE_FILES[m];
  }
  saveNpy(join(outDir, LANDSCAPE_FILES.x), float64Array([nx], xs));
  files["x"] = LANDSCAPE_FILES.x;
  if (ys) {
    saveNpy(join(outDir, LANDSCAPE_FILES.y), float64Array([ny], ys));
    files["y"] = LANDSCAPE_FILES.y;
  }
  dirs.dirs.forEach((v, k) => {
    const name = k === 0 ? LANDSCAPE_FILES.dir1 : LANDSCAPE_FILES.dir2;
    saveNpy(join(outDir, name), float64Array([P], v));
    files[`dir${k + 1}`] = name;
  });
  if (dirs.pca) {
    saveNpy(join(outDir, LANDSCAPE_FILES.projection), float64Array([dirs.pca.rows, 2], dirs.pca.projection));
    files["pcaProjection"] = LANDSCAPE_FILES.projection;
  }
  const manifest: Record<string, unknown> = {
    tool: "losscape landscape",
    identity: identity.key,
    spec: problem.description.spec,
    specSource: problem.source,
    params: { source: req.theta.source, sha256: identityInputs["theta"], size: P },
    data: { name: data.name, samples: data.n, split: req.split, splitOptions: req.splitOptions },
    dims,
    directions: { ...dirs.info, ...(Object.keys(sources).length ? { files: sources } : {}) },
    x: { ...xr, values: "x.npy" },
    ...(yr ? { y: { ...yr, values: "y.npy" } } : {}),
    metrics,
    arrays: { shape, layout: ys ? "loss[j][i] is the value at (x[i], y[j])" : "loss[i] is the value at x[i]" },
    loss: problem.head.loss,
    dtype: req.dtype,
    evaluation: {
      method: EVALUATOR_METHODS[kind],
      batchPoints: batch, chunkSize, chunks: nChunks, executor: ex.name,
      ...(req.remote ? { queue: "chunks computed by a worker pool (losscape worker)" } : {}),
      ...(pluginMetrics.length > 0
        ? {
          plugins: Object.fromEntries(pluginMetrics.map((m) => [m, {
            ...req.metricPlugins![m]!.settings,
            // Counters cover this run's points only (none when every chunk was reused).
            thisRun: run.pluginSummaries[m] ?? null
          }]))
        }
        : {})
    },
    seed: d.kind === "random" ? d.seed : null,
    files,
    versions: runtimeVersions(),
    timing: {
      computeSeconds: +run.computeSeconds.toFixed(3),
      pointsComputed: run.pointsComputed,
      pointsReused: run.pointsReused,
      pointsPerSecond: run.pointsComputed > 0 ? +(run.pointsComputed / run.computeSeconds).toFixed(2) : null
    }
  };
  writeFileAtomic(join(outDir, LANDSCAPE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  const result: LandscapeResult = {
    outDir, dims, x: xs, y: ys, metrics, values, lossName: problem.head.loss, directionInfo: dirs.info,
    chunksComputed: run.chunksComputed, chunksReused: run.chunksReused, pointsComputed: run.pointsComputed, computeSeconds: run.computeSeconds, manifest
  };
  if (dirs.pca) result.pca = dirs.pca;
  return result;
}
