/**
 * A landscape's chunks on the worker pool: the problem, θ and directions are published once, each
 * missing chunk becomes one job keyed by the run identity, and results come back as they finish.
 */
import type { ChunkEvaluator } from "../landscape/remote-surface.js";
import { UserError } from "../util/errors.js";
import { bytesF64, f64Bytes } from "./container.js";
import { problemPayload } from "./problem-payload.js";
import { MAX_JOB_POINTS, PROTOCOL, VERSION, type EigRatioJobSettings, type SurfaceJob } from "./protocol.js";
import type { Pool } from "./pool.js";

function eigRatioSettings(s: Readonly<Record<string, unknown>> | undefined): EigRatioJobSettings {
  const { seed, tol, maxIter } = s ?? {};
  if (typeof seed !== "number" || typeof tol !== "number" || typeof maxIter !== "number") {
    throw new Error("eig-ratio settings lack seed, tol or maxIter; a worker could not rebuild the plug-in");
  }
  return { seed, tol, maxIter };
}

export function queueChunkEvaluator(pool: Pool, log?: (line: string) => void): ChunkEvaluator {
  return {
    async evaluateChunks(req, chunks, onChunk) {
      const s = req.surface;
      const run = req.identity.key;
      const problem = await pool.publish(problemPayload(s.problem).bytes, "the problem");
      const theta = await pool.publish(f64Bytes(s.theta), "θ");
      const dirs: string[] = [];
      for (const [k, d] of s.dirs.entries()) dirs.push(await pool.publish(f64Bytes(d), `direction ${k + 1}`));
      const plugins: SurfaceJob["plugins"] = {};
      for (const m of Object.keys(req.pluginSettings)) {
        if (m !== "eig-ratio") throw new UserError(`metric ${m} cannot be computed by a worker pool`);
        plugins["eig-ratio"] = eigRatioSettings(req.pluginSettings["eig-ratio"]);
      }
      const metrics = [...req.metrics];
      const jobs = chunks.map((c) => {
        if (c.count > MAX_JOB_POINTS) throw new UserError(`chunkSize ${c.count} is over the queue's ${MAX_JOB_POINTS} points per job`);
        const data: SurfaceJob = {
          protocol: PROTOCOL, version: VERSION, type: "surface-chunk", run, index: c.chunk, problem, theta, dirs,
          dtype: s.dtype, kind: req.kind, batch: req.batch, metrics, plugins, count: c.count, coords: Array.from(c.coords)
        };
        return { index: c.chunk, data: data as unknown as Record<string, unknown> };
      });
      const counts = new Map(chunks.map((c) => [c.chunk, c.count]));
      await pool.runJobs(run, jobs, (r) => {
        const count = counts.get(r.index) ?? 0;
        const all = bytesF64(r.sections["values"] ?? new Uint8Array(), `chunk ${r.index}`, metrics.length * count);
        const values = metrics.map((_, k) => all.slice(k * count, (k + 1) * count));
        onChunk({ chunk: r.index, values, ...(r.header.summary ? { summary: r.header.summary } : {}) }, { workers: r.workers });
      }, log ? { log } : {});
    }
  };
}
