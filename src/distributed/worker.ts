/**
 * `losscape worker`: takes jobs from the pool's queue until stopped. A job names its inputs by hash;
 * the worker fetches each once (checked against its hash) and keeps the rebuilt problem, θ, directions
 * and evaluators while jobs of the same run keep coming, then computes with the very evaluators a local
 * run uses, so its numbers are the local ones. Results go back to Redis as bytes tagged with the run
 * they belong to, and a finished index is pushed onto the run's done list.
 *
 * A job of another losscape version is put back for a worker that can run it (and the refusal is
 * logged and recorded for the submitter); a job whose inputs are invalid fails at once; other errors
 * are retried by BullMQ, and a worker that dies mid-job has its job retried elsewhere once its lock
 * expires (stalled-job detection).
 */
import { hostname } from "node:os";
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Executor } from "../exec/executor.js";
import { createEigRatioEvaluator, type EigRatioEvaluator } from "../hessian/eig-ratio.js";
import { createHvpGraph, hessianOperator, type HessianOperator, type HvpGraph } from "../hessian/hvp-operator.js";
import { isNetworkMetric, type MetricValues, type PointEvaluator, type SurfaceProblem } from "../landscape/evaluate/problem.js";
import { createSurfaceEvaluator } from "../landscape/surface-engine.js";
import type { LossProblem } from "../model/problem/loss-problem.js";
import { applyMatVec } from "../num/linalg/operator.js";
import { dot, quadratureRule, rademacherSequence } from "../num/linalg/index.js";
import { isUserError } from "../util/errors.js";
import { fetchBlob } from "./blobs.js";
import { connectRedis, scrub, type QueueUrl } from "./connection.js";
import { bytesF64, encodeContainer, f64Bytes } from "./container.js";
import { problemFromPayload } from "./problem-payload.js";
import {
  anyJob, BLOB_TTL_SECONDS, DEFAULT_MAX_PAYLOAD_BYTES, jobEnvelope, keys, PROTOCOL, QUEUE_NAME, QUEUE_PREFIX, VERSION,
  type DoneEntry, type SlqJob, type SurfaceJob, type TraceJob
} from "./protocol.js";

export interface WorkerOptions {
  queue: QueueUrl;
  /** Jobs run at once in this process (default 1; onnxruntime already uses every core for one). */
  concurrency?: number;
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
  /** A job's lock lasts this long without renewal before others call it stalled (BullMQ default 30 s). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
  maxPayloadBytes?: number;
  /** The version this worker claims (default the package's): tests use it to play another release. */
  version?: string;
  log: (line: string) => void;
}

export interface RunningWorker {
  id: string;
  /** Jobs finished by this worker. */
  readonly completed: number;
  /** Stop taking jobs; with force, hand the running ones back (they are retried elsewhere) instead of finishing them. */
  close(force?: boolean): Promise<void>;
}

interface RunContext {
  problem: LossProblem;
  theta: Float64Array;
  dirs: Float64Array[];
  evaluator?: Promise<PointEvaluator>;
  eigRatio?: EigRatioEvaluator;
  hvpGraph?: HvpGraph;
  operators: Map<string, HessianOperator>;
  sequences: Map<string, { at(k: number): Float64Array }>;
  /** Jobs of one run take turns: evaluators keep buffers and counters between calls. */
  turn: Promise<unknown>;
}

function inTurn<T>(ctx: RunContext, f: () => Promise<T>): Promise<T> {
  const p = ctx.turn.then(f, f);
  ctx.turn = p.catch(() => undefined);
  return p;
}

/** Small LRU: a worker serves a few runs at a time; older problems are dropped with their sessions' graphs. */
class Lru<V> {
  private m = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  delete(k: string): void {
    this.m.delete(k);
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    while (this.m.size > this.size) this.m.delete(this.m.keys().next().value!);
  }
}

export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const version = o.version ?? VERSION;
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const maxPayload = o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const concurrency = o.concurrency ?? 1;
  // Reachable now, or a clear error (exit 2); afterwards a persistent client rides out restarts.
  (await connectRedis(o.queue, { persistent: false })).disconnect();
  let lastError = "";
  const redis: Redis = await connectRedis(o.queue, {
    persistent: true,
    onError: (m) => {
      if (m !== lastError) o.log(`redis ${o.queue.masked}: ${m} (reconnecting)`);
      lastError = m;
    }
  });
  redis.on("ready", () => {
    if (lastError) o.log(`redis ${o.queue.masked}: connected again`);
    lastError = "";
  });

  const { createOnnxExecutor } = await import("../exec/onnx/executor.js");
  const executors = new Map<string, Executor>();
  const executorFor = async (name: "onnx" | "reference", dtype?: "float32" | "float64"): Promise<Executor> => {
    const key = `${name}:${dtype ?? ""}`;
    let ex = executors.get(key);
    if (!ex) {
      ex = name === "reference"
        ? (await import("../exec/reference.js")).createReferenceExecutor()
        : createOnnxExecutor({ ...(dtype ? { dtype } : {}), ...(o.threads ? { threads: o.threads } : {}) });
      executors.set(key, ex);
    }
    return ex;
  };

  const problems = new Lru<Promise<LossProblem>>(4);
  const vectors = new Lru<Promise<Float64Array>>(16);
  const runs = new Lru<Promise<RunContext>>(4);
  const refusedRuns = new Set<string>();

  const problemFor = (hash: string): Promise<LossProblem> => {
    let p = problems.get(hash);
    if (!p) {
      p = fetchBlob(redis, hash, maxPayload, "problem").then((b) => problemFromPayload(b, `problem ${hash.slice(0, 12)}`));
      // A failed fetch is not kept: the submitter may publish again.
      p.catch(() => problems.delete(hash));
      problems.set(hash, p);
    }
    return p;
  };
  const vectorFor = (hash: string, P: number, what: string): Promise<Float64Array> => {
    let v = vectors.get(hash);
    if (!v) {
      v = fetchBlob(redis, hash, maxPayload, what).then((b) => bytesF64(b, `${what} ${hash.slice(0, 12)}`, P));
      v.catch(() => vectors.delete(hash));
      vectors.set(hash, v);
    }
    return v;
  };
  const contextFor = (job: { run: string; problem: string; theta: string; dirs?: string[] }): Promise<RunContext> => {
    let c = runs.get(job.run);
    if (!c) {
      c = (async () => {
        const problem = await problemFor(job.problem);
        const P = problem.layout.size;
        const theta = await vectorFor(job.theta, P, "θ");
        const dirs = await Promise.all((job.dirs ?? []).map((h, k) => vectorFor(h, P, `direction ${k + 1}`)));
        return { problem, theta, dirs, operators: new Map(), sequences: new Map(), turn: Promise.resolve() };
      })();
      c.catch(() => runs.delete(job.run));
      runs.set(job.run, c);
    }
    return c;
  };

  const surfaceChunk = async (job: SurfaceJob): Promise<{ values: Float64Array; summary?: Record<string, number> }> => {
    const ctx = await contextFor(job);
    return inTurn(ctx, () => surfaceChunkIn(ctx, job));
  };
  const surfaceChunkIn = async (ctx: RunContext, job: SurfaceJob): Promise<{ values: Float64Array; summary?: Record<string, number> }> => {
    const dims = job.dirs.length;
    const coords = Float64Array.from(job.coords);
    const networkMetrics = job.metrics.filter(isNetworkMetric);
    const ex = await executorFor("onnx");
    const r: MetricValues = {};
    if (networkMetrics.length > 0) {
      const surface: SurfaceProblem = { problem: ctx.problem, theta: ctx.theta, dirs: ctx.dirs, metrics: networkMetrics, dtype: job.dtype };
      ctx.evaluator ??= createSurfaceEvaluator(surface, ex, job.kind, job.batch);
      Object.assign(r, await (await ctx.evaluator).evaluate(coords, job.count));
    }
    let summary: Record<string, number> | undefined;
    if (job.metrics.includes("eig-ratio")) {
      const s = job.plugins["eig-ratio"];
      if (!s) throw new UnrecoverableError("the job asks for eig-ratio without its settings");
      ctx.eigRatio ??= createEigRatioEvaluator({ problem: ctx.problem, theta: ctx.theta, dirs: ctx.dirs }, ex, s);
      const e = ctx.eigRatio;
      const hvps = e.hvps, unconverged = e.unconverged;
      const out = new Float64Array(job.count);
      // Point by point, as the local engine feeds this plug-in (its batch is 1).
      for (let q = 0; q < job.count; q += e.batch) {
        const n = Math.min(e.batch, job.count - q);
        out.set((await e.evaluate(coords.subarray(q * dims, (q + n) * dims), n))["eig-ratio"].subarray(0, n), q);
      }
      r["eig-ratio"] = out;
      summary = { hvps: e.hvps - hvps, unconvergedPoints: e.unconverged - unconverged };
    }
    const values = new Float64Array(job.metrics.length * job.count);
    job.metrics.forEach((m, k) => {
      const v = r[m];
      if (!v || v.length < job.count) throw new Error(`metric ${m}: ${v ? v.length : "no"} values for ${job.count} points`);
      values.set(v.subarray(0, job.count), k * job.count);
    });
    return summary ? { values, summary } : { values };
  };

  const hessianContext = async (job: TraceJob | SlqJob): Promise<{ ctx: RunContext; op: HessianOperator; seq: { at(k: number): Float64Array } }> => {
    const ctx = await contextFor(job);
    const ex = await executorFor(job.executor, job.dtype);
    ctx.hvpGraph ??= createHvpGraph(ctx.problem);
    const bkey = `${job.block.name}:${job.block.offset}:${job.block.size}`;
    let op = ctx.operators.get(bkey);
    if (!op) {
      op = hessianOperator(ctx.problem, ctx.theta, { executor: ex, hvpGraph: ctx.hvpGraph, block: job.block });
      ctx.operators.set(bkey, op);
    }
    const skey = `${job.seed}:${op.n}`;
    let seq = ctx.sequences.get(skey);
    if (!seq) {
      seq = rademacherSequence(job.seed, op.n);
      ctx.sequences.set(skey, seq);
    }
    return { ctx, op, seq };
  };

  const traceProbe = async (job: TraceJob): Promise<{ values: Float64Array }> => inTurn(await contextFor(job), async () => {
    const { op, seq } = await hessianContext(job);
    const z = seq.at(job.draw);
    // As hutchinsonTrace computes a probe: H applied to a copy of z, then zᵀ(Hz).
    const hz = await applyMatVec(op.matvec, z, `probe ${job.draw + 1}`);
    return { values: Float64Array.of(dot(z, hz)) };
  });

  const slqRun = async (job: SlqJob): Promise<{ values: Float64Array; extra: Record<string, Uint8Array>; summary: Record<string, number> }> => inTurn(await contextFor(job), async () => {
    const { op, seq } = await hessianContext(job);
    const rule = await quadratureRule(op.matvec, op.n, Math.min(job.steps, op.n), seq.at(job.draw), job.draw);
    return {
      values: Float64Array.from(rule.nodes),
      extra: { weights: f64Bytes(Float64Array.from(rule.weights)) },
      summary: { matvecs: rule.matvecs }
    };
  });

  const finish = async (run: string, index: number, entry: DoneEntry, result?: Buffer): Promise<void> => {
    const m = redis.multi();
    if (result) m.set(keys.result(run, index), result, "EX", BLOB_TTL_SECONDS);
    m.rpush(keys.done(run), JSON.stringify(entry));
    m.expire(keys.done(run), BLOB_TTL_SECONDS);
    await m.exec();
  };

  let completed = 0;
  const processor = async (job: Job, token?: string): Promise<{ index: number }> => {
    const env = jobEnvelope.safeParse(job.data);
    if (!env.success) throw new UnrecoverableError("not a losscape job");
    const { protocol, version: jobVersion, run } = env.data;
    if (protocol !== PROTOCOL || jobVersion !== version) {
      const why = `job of run ${run.slice(0, 12)} was submitted by losscape ${String(jobVersion)} (protocol ${String(protocol)}), ` +
        `this worker is losscape ${version} (protocol ${PROTOCOL}); it is left for a worker of that version`;
      if (!refusedRuns.has(run)) {
        refusedRuns.add(run);
        o.log(`refusing jobs: ${why}`);
        await redis.set(keys.refused(run), JSON.stringify({ worker: id, version, message: why }), "EX", 3600);
      }
      await job.moveToDelayed(Date.now() + 2000, token);
      throw new DelayedError();
    }
    const parsed = anyJob.safeParse(job.data);
    const index = typeof job.data?.index === "number" ? (job.data.index as number) : -1;
    if (!parsed.success) {
      const why = `invalid job: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`;
      if (index >= 0) await finish(run, index, { i: index, error: why });
      throw new UnrecoverableError(why);
    }
    const j = parsed.data;
    const t0 = performance.now();
    o.log(`${j.type} ${j.index} of run ${j.run.slice(0, 12)} started`);
    try {
      let out: { values: Float64Array; extra?: Record<string, Uint8Array>; summary?: Record<string, number> };
      if (j.type === "surface-chunk") out = await surfaceChunk(j);
      else if (j.type === "hessian-trace") out = await traceProbe(j);
      else out = await slqRun(j);
      const computeMs = performance.now() - t0;
      const header = { run: j.run, index: j.index, worker: id, version, ...(out.summary ? { summary: out.summary } : {}) };
      await finish(j.run, j.index, { i: j.index, w: id }, encodeContainer(header, { values: f64Bytes(out.values), ...(out.extra ?? {}) }));
      completed++;
      o.log(`${j.type} ${j.index} of run ${j.run.slice(0, 12)} done in ${(performance.now() - t0).toFixed(1)} ms (compute ${computeMs.toFixed(1)} ms)`);
      return { index: j.index };
    } catch (e) {
      const message = scrub(o.queue, e instanceof Error ? e.message : String(e));
      const final = isUserError(e) || e instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      o.log(`${j.type} ${j.index} of run ${j.run.slice(0, 12)} failed${final ? "" : " (will be retried)"}: ${message}`);
      if (final) {
        await finish(j.run, j.index, { i: j.index, error: message });
        throw new UnrecoverableError(message);
      }
      throw e;
    }
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: redis,
    prefix: QUEUE_PREFIX,
    concurrency,
    ...(o.lockDurationMs ? { lockDuration: o.lockDurationMs } : {}),
    ...(o.stalledIntervalMs ? { stalledInterval: o.stalledIntervalMs } : {}),
    // A job whose worker died more than a few times is failed rather than retried forever.
    maxStalledCount: 3
  });
  worker.on("error", (e) => o.log(`queue error: ${scrub(o.queue, e.message)}`));
  worker.on("stalled", (jobIdStalled) => o.log(`job ${jobIdStalled.slice(0, 12)}…${jobIdStalled.slice(jobIdStalled.lastIndexOf("-"))} stalled (its worker stopped renewing the lock): back in the queue`));
  await worker.waitUntilReady();

  const beat = async (): Promise<void> => {
    const info = { id, host: hostname(), pid: process.pid, version, concurrency, at: Date.now() };
    await redis.hset(keys.workers, id, JSON.stringify(info)).catch(() => undefined);
  };
  await beat();
  const heartbeat = setInterval(() => void beat(), 5000);
  o.log(`worker ${id} (losscape ${version}, protocol ${PROTOCOL}) waiting for jobs on ${o.queue.masked}, concurrency ${concurrency}`);

  let closing: Promise<void> | null = null;
  return {
    id,
    get completed() { return completed; },
    async close(force = false) {
      if (force) {
        await worker.close(true);
      } else {
        closing ??= worker.close();
        await closing;
      }
      clearInterval(heartbeat);
      await redis.hdel(keys.workers, id).catch(() => undefined);
      for (const ex of executors.values()) await ex.dispose();
      redis.disconnect();
    }
  };
}
