/**
 * A surface whose missing chunks are computed elsewhere (a worker pool), against the same store as a
 * local run: chunks the store holds are reused, each chunk that comes back is written as it arrives
 * (so a killed submitter resumes from them), and the values are assembled exactly as
 * evaluateSurface assembles them. The remote side gets everything a local run would use to compute
 * a chunk (problem, θ, directions, evaluator kind and batch, plug-in settings), so its numbers are
 * the local ones.
 */
import { chunkCount, chunkRange, type RunIdentity } from "./chunk-store.js";
import type { Metric, PluginMetric, SurfaceProblem } from "./evaluate/problem.js";
import { assembleChunks, chunkCoords, type ChunkSink, type EvaluatorKind, type SurfacePlan, type SurfaceRun } from "./surface-engine.js";

export interface RemoteSurfaceRequest {
  identity: RunIdentity;
  /** The problem with only the network metrics, as evaluateSurface hands it to its evaluator. */
  surface: SurfaceProblem;
  plan: SurfacePlan;
  /** Every metric, in chunk order (network metrics and plug-ins). */
  metrics: readonly Metric[];
  kind: EvaluatorKind;
  batch: number;
  /** Each plug-in metric's settings (what changes its values), from which the remote side rebuilds it. */
  pluginSettings: Partial<Record<PluginMetric, Readonly<Record<string, unknown>>>>;
}

export interface RemoteChunk {
  chunk: number;
  /** One array per metric, in `metrics` order. */
  values: Float64Array[];
  /** Plug-in counters for this chunk (HVPs spent), summed into the run's summary. */
  summary?: Readonly<Record<string, number>>;
}

export interface RemoteProgress {
  /** Distinct workers that have returned chunks of this run. */
  workers: number;
}

/** Computes chunks somewhere else; calls onChunk once per chunk, in any order. */
export interface ChunkEvaluator {
  evaluateChunks(
    req: RemoteSurfaceRequest,
    chunks: readonly { chunk: number; coords: Float64Array; count: number }[],
    onChunk: (c: RemoteChunk, progress: RemoteProgress) => void
  ): Promise<void>;
}

export async function evaluateSurfaceRemote(
  req: RemoteSurfaceRequest,
  sink: ChunkSink,
  remote: ChunkEvaluator,
  progress: (done: number, total: number, reused: number, workers?: number) => void
): Promise<SurfaceRun> {
  const { plan, metrics } = req;
  const total = plan.chunks.totalPoints;
  const nChunks = chunkCount(plan.chunks);
  const chunks: (Float64Array[] | null)[] = [];
  let reused = 0;
  const missing: { chunk: number; coords: Float64Array; count: number }[] = [];
  for (let c = 0; c < nChunks; c++) {
    const v = sink.read(c);
    chunks.push(v);
    if (v) reused += chunkRange(plan.chunks, c).count;
    else missing.push({ chunk: c, ...chunkCoords(plan, c) });
  }
  const t0 = performance.now();
  let done = reused, computed = 0, pointsComputed = 0;
  const summaries: Partial<Record<PluginMetric, Record<string, number>>> = {};
  const pluginMetrics = metrics.filter((m): m is PluginMetric => m in req.pluginSettings);
  progress(done, total, reused);
  if (missing.length > 0) {
    await remote.evaluateChunks(req, missing, (r, p) => {
      const { count } = chunkRange(plan.chunks, r.chunk);
      if (chunks[r.chunk]) return;
      if (r.values.length !== metrics.length || r.values.some((v) => v.length !== count)) {
        throw new Error(`chunk ${r.chunk} came back with ${r.values.map((v) => v.length).join("/")} values per metric, expected ${metrics.length} × ${count}`);
      }
      sink.write(r.chunk, r.values);
      chunks[r.chunk] = r.values;
      computed++;
      pointsComputed += count;
      done += count;
      for (const m of pluginMetrics) {
        const s = (summaries[m] ??= {});
        for (const [k, v] of Object.entries(r.summary ?? {})) s[k] = (s[k] ?? 0) + v;
      }
      progress(done, total, reused, p.workers);
    });
  }
  const missingNow = chunks.findIndex((c) => c === null);
  if (missingNow >= 0) throw new Error(`the worker pool finished without chunk ${missingNow}`);
  const values = assembleChunks(plan, metrics, chunks);
  const pluginSummaries: SurfaceRun["pluginSummaries"] = {};
  for (const m of pluginMetrics) pluginSummaries[m] = summaries[m] ?? null;
  return {
    values, chunksComputed: computed, chunksReused: nChunks - computed, pointsComputed, pointsReused: reused,
    computeSeconds: (performance.now() - t0) / 1000, pluginSummaries
  };
}
