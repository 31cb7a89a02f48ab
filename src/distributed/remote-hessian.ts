/**
 * Hutchinson probes and SLQ runs on the worker pool. Each job names its probe (or run) by its index in
 * the seeded Rademacher sequence, so a worker draws the same vector the local loop would; the values
 * come back in index order and are combined exactly as the local estimators combine them.
 */
import { createHash } from "node:crypto";
import type { RemoteProbes } from "../hessian/analyze.js";
import type { OperatorBlock } from "../hessian/hvp-operator.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import type { QuadratureRule } from "../num/linalg/index.js";
import { bytesF64, f64Bytes } from "./container.js";
import { problemPayload } from "./problem-payload.js";
import { PROTOCOL, VERSION, type SlqJob, type TraceJob } from "./protocol.js";
import type { Pool } from "./pool.js";

export interface RemoteHessianOptions {
  problem: LossProblem;
  theta: Float64Array;
  dtype: "float64" | "float32";
  executor: "onnx" | "reference";
  log?: (line: string) => void;
  /** Called as results arrive: done of total, distinct workers seen. */
  onProgress?: (done: number, total: number, workers: number) => void;
}

export function queueRemoteProbes(pool: Pool, o: RemoteHessianOptions): RemoteProbes {
  let published: { problem: string; theta: string } | null = null;
  const publish = async (): Promise<{ problem: string; theta: string }> => {
    published ??= {
      problem: await pool.publish(problemPayload(o.problem).bytes, "the problem"),
      theta: await pool.publish(f64Bytes(o.theta), "θ")
    };
    return published;
  };
  const runKey = (what: Record<string, unknown>): string => createHash("sha256").update(JSON.stringify(what)).digest("hex");
  const base = async (type: string, block: OperatorBlock, seed: number, extra: Record<string, unknown>) => {
    const p = await publish();
    const b = { name: block.name, offset: block.offset, size: block.size };
    const run = runKey({ type, ...p, dtype: o.dtype, executor: o.executor, block: b, seed, ...extra, version: VERSION });
    return { run, common: { protocol: PROTOCOL, version: VERSION, run, problem: p.problem, theta: p.theta, dtype: o.dtype, executor: o.executor, block: b, seed } };
  };
  const opts = o.log ? { log: o.log } : {};
  return {
    async traceValues(block, seed, probes) {
      const { run, common } = await base("hessian-trace", block, seed, { probes });
      const values = new Float64Array(probes);
      const jobs = Array.from({ length: probes }, (_, i) => {
        const data: TraceJob = { ...common, type: "hessian-trace", index: i, draw: i };
        return { index: i, data: data as unknown as Record<string, unknown> };
      });
      let done = 0;
      await pool.runJobs(run, jobs, (r) => {
        values[r.index] = bytesF64(r.sections["values"] ?? new Uint8Array(), `probe ${r.index}`, 1)[0]!;
        o.onProgress?.(++done, probes, r.workers);
      }, opts);
      return values;
    },
    async slqRules(block, seed, runs, steps) {
      const { run, common } = await base("hessian-slq", block, seed, { runs, steps });
      const rules: QuadratureRule[] = new Array(runs);
      const jobs = Array.from({ length: runs }, (_, i) => {
        const data: SlqJob = { ...common, type: "hessian-slq", index: i, draw: i, steps };
        return { index: i, data: data as unknown as Record<string, unknown> };
      });
      let done = 0;
      await pool.runJobs(run, jobs, (r) => {
        const nodes = bytesF64(r.sections["values"] ?? new Uint8Array(), `SLQ run ${r.index} nodes`);
        const weights = bytesF64(r.sections["weights"] ?? new Uint8Array(), `SLQ run ${r.index} weights`, nodes.length);
        rules[r.index] = { nodes: Array.from(nodes), weights: Array.from(weights), matvecs: r.header.summary?.["matvecs"] ?? nodes.length };
        o.onProgress?.(++done, runs, r.workers);
      }, opts);
      return rules;
    }
  };
}
