/**
 * `losscape landscape` as one library call: resolve the model, θ, data split and directions; evaluate
 * the loss (and accuracy, and any plugged-in metric such as the Hessian's |λmin/λmax|) on a 1-D line
 * or 2-D plane through θ in resumable chunks; write the arrays, the directions and manifest.json. Every input is validated before anything is written, so a user
 * error leaves no half-written folder.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic-write.js";
import { float64Array, saveNpy } from "../io/npy.js";
import type { Executor } from "../exec/executor.js";
import { lossTask, resolveData } from "../model/data.js";
import { mlpLayout } from "../model/layout.js";
import { loadModelSource } from "../model/train/spec-source.js";
import { loadParamMatrix, loadParamVector } from "../model/train/params-file.js";
import { selectPart, splitData, type SplitName, type SplitOptions } from "../model/train/split-data.js";
import { runtimeVersions } from "../model/train/versions.js";
import { UserError } from "../util/errors.js";
import { ChunkStore, chunkCount, chunkRange, type RunIdentity } from "./chunk-store.js";
import { makeDirections, type DirectionRequest } from "./directions/make-directions.js";
import type { Normalization } from "./directions/normalize.js";
import { createPlainEvaluator } from "./evaluate/plain.js";
import { createPlaneEvaluator, defaultPlaneBatch } from "./evaluate/plane.js";
import {
  isNetworkMetric,
  METRICS,
  type FloatType,
  type Metric,
  type MetricPluginEvaluator,
  type MetricPlugins,
  type MetricValues,
  type PluginMetric,
  type PointEvaluator,
  type SurfaceProblem
} from "./evaluate/problem.js";
import { formatRange, rangeValues, type AxisRange } from "./range.js";

export type DirectionChoice =
  | { kind: "random"; seed: number; normalization: Normalization; ignoreBias: boolean; orthogonal: boolean }
  | { kind: "line"; to: string }
  | { kind: "pca"; trajectory: string }
  | { kind: "files"; dir1: string; dir2?: string };

export interface LandscapeRequest {
  /** Spec file or example name. */
  spec: string;
  /** θ as .npy or .json. */
  params: string;
  cwd?: string;
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
  outDir: string;
  /** More files in outDir that belong to a run (plots) and are removed with force. */
  extraOutputs?: readonly string[];
}

export interface LandscapeProgress {
  done: number;
  total: number;
  /** Points found on disk from an earlier run. */
  reused: number;
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

function sha256(a: Float64Array): string {
  return createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

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

export async function runLandscape(
  req: LandscapeRequest,
  ex: Executor,
  onProgress: (p: LandscapeProgress) => void = () => {}
): Promise<LandscapeResult> {
  const cwd = req.cwd ?? process.cwd();
  const at = (p: string): string => resolve(cwd, p.trim());
  const src = loadModelSource(req.spec, cwd);
  const spec = src.spec;
  const layout = mlpLayout(spec);
  const P = layout.size;
  const theta = loadParamVector(at(req.params), P, "--params");
  const full = resolveData(spec, src.specDir);
  const data = selectPart(splitData(full, req.splitOptions), req.split);
  const classification = lossTask(spec.loss) === "classification";
  const metrics: Metric[] = req.metrics ?? (classification ? ["loss", "accuracy"] : ["loss"]);
  if (metrics.length === 0) throw new UserError(`--metrics needs at least one of: ${METRICS.join(", ")}`);
  if (new Set(metrics).size !== metrics.length) throw new UserError(`--metrics lists a metric twice: ${metrics.join(",")}`);
  const unknown = metrics.filter((m) => !METRICS.includes(m));
  if (unknown.length > 0) throw new UserError(`--metrics: unknown metric ${unknown.join(", ")} (valid: ${METRICS.join(", ")})`);
  const networkMetrics = metrics.filter(isNetworkMetric);
  const pluginMetrics = metrics.filter((m): m is PluginMetric => !isNetworkMetric(m));
  for (const m of pluginMetrics) {
    if (!req.metricPlugins?.[m]) throw new UserError(`--metrics ${m} needs its evaluator, which this caller did not provide (the losscape CLI does)`);
  }
  if (metrics.includes("accuracy") && !classification) throw new UserError(`accuracy needs a classification loss; ${spec.loss} is a regression loss (use --metrics loss)`);
  const batchOpt = checkedPositiveInt(req.batchPoints, "--batch-points", 4096);
  const chunkOpt = checkedPositiveInt(req.chunkSize, "--chunk-size", MAX_GRID_POINTS);

  // Directions, with every file checked against the model's parameter count.
  const d = req.directions;
  let dreq: DirectionRequest;
  let dims: 1 | 2;
  let xDefault = DEFAULT_RANGE;
  const sources: Record<string, string> = {};
  switch (d.kind) {
    case "random":
      dims = req.y ? 2 : 1;
      dreq = { kind: "random", dims, seed: d.seed, normalization: d.normalization, ignoreBias: d.ignoreBias, orthogonal: d.orthogonal };
      if (!Number.isSafeInteger(d.seed)) throw new UserError(`--seed must be an integer, got ${d.seed}`);
      if (d.orthogonal && dims === 1) throw new UserError("--orthogonal needs two directions: give --y for a 2-D surface");
      break;
    case "line":
      if (req.y) throw new UserError("--to draws the 1-D line between two models; drop --y");
      dims = 1;
      xDefault = { min: 0, max: 1, num: 51 };
      dreq = { kind: "line", to: loadParamVector(at(d.to), P, "--to") };
      sources["to"] = d.to;
      break;
    case "pca":
      dims = 2;
      dreq = { kind: "pca", trajectory: loadParamMatrix(at(d.trajectory), P, "--trajectory") };
      sources["trajectory"] = d.trajectory;
      break;
    case "files":
      if (req.y && !d.dir2) throw new UserError("--y needs a second direction: give --dir2");
      dims = d.dir2 ? 2 : 1;
      dreq = { kind: "files", d1: loadParamVector(at(d.dir1), P, "--dir1") };
      if (d.dir2) dreq.d2 = loadParamVector(at(d.dir2), P, "--dir2");
      sources["dir1"] = d.dir1;
      if (d.dir2) sources["dir2"] = d.dir2;
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

  const problem: SurfaceProblem = { spec, layout, data, theta, dirs: dirs.dirs, metrics: networkMetrics, dtype: req.dtype };
  const targetChunk = pluginMetrics.length > 0 ? TARGET_PLUGIN_CHUNK_POINTS : TARGET_CHUNK_POINTS;
  const batch = req.plain ? 1 : (batchOpt ?? Math.min(defaultPlaneBatch(problem), targetChunk));
  const chunkSize = chunkOpt ?? batch * Math.max(1, Math.round(targetChunk / batch));
  const chunkLayout = { totalPoints: total, chunkSize, metrics };

  const identityInputs: Record<string, unknown> = {
    spec,
    data: { name: data.name, samples: data.n, split: req.split, splitOptions: req.splitOptions, sha256: [sha256(data.x), sha256(data.y)] },
    theta: sha256(theta),
    directions: { kind: d.kind, ...(d.kind === "random" ? { seed: d.seed, normalization: d.normalization, ignoreBias: d.ignoreBias, orthogonal: d.orthogonal } : {}), sha256: dirs.dirs.map(sha256) },
    x: formatRange(xr),
    y: yr ? formatRange(yr) : null,
    metrics,
    // Absent for loss/accuracy-only runs, so their identity (and resumability) is unchanged.
    metricPlugins: pluginMetrics.length > 0 ? Object.fromEntries(pluginMetrics.map((m) => [m, req.metricPlugins![m]!.settings])) : undefined,
    dtype: req.dtype,
    evaluator: req.plain ? "plain" : "first-layer shortcut",
    batchPoints: batch,
    chunkSize
  };
  const identity: RunIdentity = { key: createHash("sha256").update(canonical(identityInputs)).digest("hex"), inputs: identityInputs };
  const outDir = at(req.outDir);
  const store = ChunkStore.open(outDir, identity, chunkLayout, { force: req.force, outputs: [...Object.values(LANDSCAPE_FILES), ...(req.extraOutputs ?? [])] });

  // Evaluate the missing chunks in order; reuse the rest.
  const nChunks = chunkCount(chunkLayout);
  const chunks: (Float64Array[] | null)[] = [];
  let reusedPoints = 0;
  for (let c = 0; c < nChunks; c++) {
    const v = store.read(c);
    chunks.push(v);
    if (v) reusedPoints += chunkRange(chunkLayout, c).count;
  }
  const t0 = performance.now();
  let evaluator: PointEvaluator | null = null;
  const plugins = new Map<PluginMetric, MetricPluginEvaluator>();
  let done = reusedPoints, computed = 0, pointsComputed = 0;
  onProgress({ done, total, reused: reusedPoints });
  for (let c = 0; c < nChunks; c++) {
    if (chunks[c]) continue;
    const { start, count } = chunkRange(chunkLayout, c);
    const coords = new Float64Array(count * dims);
    for (let q = 0; q < count; q++) {
      const p = start + q;
      coords[q * dims] = xs[p % nx]!;
      if (ys) coords[q * dims + 1] = ys[Math.floor(p / nx)]!;
    }
    const r: MetricValues = {};
    if (networkMetrics.length > 0) {
      evaluator ??= req.plain ? createPlainEvaluator(problem, ex) : await createPlaneEvaluator(problem, ex, batch);
      Object.assign(r, await evaluator.evaluate(coords, count));
    }
    for (const [k, m] of pluginMetrics.entries()) {
      let pe = plugins.get(m);
      if (!pe) {
        pe = req.metricPlugins![m]!.create({ spec, data, theta, dirs: dirs.dirs }, ex);
        plugins.set(m, pe);
      }
      const out = new Float64Array(count);
      const step = pe.batch ?? count;
      for (let s = 0; s < count; s += step) {
        const n = Math.min(step, count - s);
        const v = (await pe.evaluate(coords.subarray(s * dims, (s + n) * dims), n))[m];
        if (!v || v.length < n) throw new Error(`metric plug-in ${m} returned ${v ? v.length : "no"} values for ${n} points`);
        out.set(v.subarray(0, n), s);
        // Slow plug-ins report inside the chunk; the chunk's own report (done === total at the end) follows its write.
        const partial = Math.floor((k * count + s + n) / pluginMetrics.length);
        if (partial < count) onProgress({ done: done + partial, total, reused: reusedPoints });
      }
      r[m] = out;
    }
    const vals = metrics.map((m) => r[m]!);
    store.write(c, vals);
    chunks[c] = vals;
    computed++;
    pointsComputed += count;
    done += count;
    onProgress({ done, total, reused: reusedPoints });
  }
  const computeSeconds = (performance.now() - t0) / 1000;

  const values: MetricValues = {};
  metrics.forEach((m, k) => {
    const a = new Float64Array(total);
    for (let c = 0; c < nChunks; c++) a.set(chunks[c]![k]!, chunkRange(chunkLayout, c).start);
    values[m] = a;
  });
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
    spec,
    specSource: src.source,
    params: { source: req.params, sha256: identityInputs["theta"], size: P },
    data: { name: data.name, samples: data.n, split: req.split, splitOptions: req.splitOptions },
    dims,
    directions: { ...dirs.info, ...(Object.keys(sources).length ? { files: sources } : {}) },
    x: { ...xr, values: "x.npy" },
    ...(yr ? { y: { ...yr, values: "y.npy" } } : {}),
    metrics,
    arrays: { shape, layout: ys ? "loss[j][i] is the value at (x[i], y[j])" : "loss[i] is the value at x[i]" },
    loss: spec.loss,
    dtype: req.dtype,
    evaluation: {
      method: req.plain ? "plain (one full network per point)" : "first-layer shortcut (X·W(α,β)ᵀ = X·W0ᵀ + α X·D1ᵀ + β X·D2ᵀ precomputed)",
      batchPoints: batch, chunkSize, chunks: nChunks, executor: ex.name,
      ...(pluginMetrics.length > 0
        ? {
          plugins: Object.fromEntries(pluginMetrics.map((m) => [m, {
            ...req.metricPlugins![m]!.settings,
            // Counters cover this run's points only (none when every chunk was reused).
            thisRun: plugins.get(m)?.summary?.() ?? null
          }]))
        }
        : {})
    },
    seed: d.kind === "random" ? d.seed : null,
    files,
    versions: runtimeVersions(),
    timing: {
      computeSeconds: +computeSeconds.toFixed(3),
      pointsComputed,
      pointsReused: reusedPoints,
      pointsPerSecond: pointsComputed > 0 ? +(pointsComputed / computeSeconds).toFixed(2) : null
    }
  };
  writeFileAtomic(join(outDir, LANDSCAPE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  const result: LandscapeResult = {
    outDir, dims, x: xs, y: ys, metrics, values, lossName: spec.loss, directionInfo: dirs.info,
    chunksComputed: computed, chunksReused: nChunks - computed, pointsComputed, computeSeconds, manifest
  };
  if (dirs.pca) result.pca = dirs.pca;
  return result;
}
