/**
 * The submitting side of a worker pool: publish inputs, enqueue a run's jobs, and collect each
 * result as a worker pushes its index onto the run's done list. Job ids are the run key plus the
 * index, so enqueueing again (a rerun after the submitter was killed) adds only what is not already
 * queued, and results finished while no submitter listened are still in Redis: a rerun collects them
 * first. Any Redis failure ends the run with a UserError naming the (masked) URL.
 */
import { Queue } from "bullmq";
import { UserError } from "../util/errors.js";
import { publishBlob } from "./blobs.js";
import { connectRedis, queueError, type QueueUrl } from "./connection.js";
import { decodeContainer, type Container } from "./container.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, doneEntry, jobId, keys, QUEUE_NAME, QUEUE_PREFIX, resultHeader, workerInfo, type ResultHeader } from "./protocol.js";

export interface Pool {
  q: QueueUrl;
  maxPayloadBytes: number;
  publish(bytes: Uint8Array, what: string): Promise<string>;
  /** Run jobs 0..n-1 of `run` (those listed), calling onResult as each comes back. */
  runJobs(run: string, jobs: readonly PoolJob[], onResult: (r: PoolResult) => void | Promise<void>, o?: RunJobsOptions): Promise<void>;
  close(): Promise<void>;
}

export interface PoolJob {
  index: number;
  /** Validated by the worker; carries { protocol, version, run, index, type, ... }. */
  data: Record<string, unknown>;
}

export interface PoolResult {
  index: number;
  header: ResultHeader;
  sections: Container["sections"];
  /** Distinct workers that have returned results of this run so far. */
  workers: number;
}

export interface RunJobsOptions {
  /** Retries of a job that threw (a worker that died does not count: that is stalled-job detection). */
  attempts?: number;
  log?: (line: string) => void;
}

/** Errors from our own callbacks pass through unchanged; everything else came from Redis. */
class CallbackError extends Error {
  constructor(readonly inner: unknown) {
    super("callback");
  }
}

export interface PoolOptions {
  maxPayloadBytes?: number;
}

export async function openPool(q: QueueUrl, o: PoolOptions = {}): Promise<Pool> {
  const redis = await connectRedis(q, { persistent: false });
  // BLPOP holds its connection, so it gets its own.
  const blocking = await connectRedis(q, { persistent: false });
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: QUEUE_PREFIX });
  queue.on("error", () => undefined);
  const maxPayloadBytes = o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const guard = async <T>(f: () => Promise<T>, doing: string): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof CallbackError) throw e.inner;
      if (e instanceof UserError) throw e;
      throw queueError(q, e, doing);
    }
  };

  const runJobs: Pool["runJobs"] = (run, jobs, onResult, ro = {}) => guard(async () => {
    const pending = new Set(jobs.map((j) => j.index));
    const workers = new Set<string>();
    const collect = async (index: number): Promise<boolean> => {
      if (!pending.has(index)) return false;
      const key = keys.result(run, index);
      const b = await redis.getBuffer(key);
      if (!b) return false;
      const c = decodeContainer(b, `result ${index} of run ${run.slice(0, 12)}`);
      const h = resultHeader.safeParse(c.header);
      // A result is used only for the run and index it says it belongs to.
      if (!h.success || h.data.run !== run || h.data.index !== index) {
        await redis.del(key);
        return false;
      }
      workers.add(h.data.worker);
      pending.delete(index);
      try {
        await onResult({ index, header: h.data, sections: c.sections, workers: workers.size });
      } catch (e) {
        throw new CallbackError(e);
      }
      await redis.del(key);
      return true;
    };
    const scan = async (): Promise<void> => {
      const idx = [...pending];
      if (idx.length === 0) return;
      const p = redis.pipeline();
      for (const i of idx) p.exists(keys.result(run, i));
      const r = (await p.exec()) ?? [];
      for (let k = 0; k < idx.length; k++) if (r[k]?.[1] === 1) await collect(idx[k]!);
    };
    const failedOfRun = async (): Promise<string | null> => {
      for (const j of await queue.getFailed(0, 200)) {
        if (j.id?.startsWith(`${run}-`)) return `job ${j.id.slice(run.length + 1)}: ${j.failedReason}`;
      }
      return null;
    };

    // Finished while nobody listened (the submitter killed and rerun): collect before enqueueing.
    await scan();
    if (pending.size === 0) return;
    // A job failed in an earlier attempt of this run blocks its id; clear it so the rerun retries.
    for (const j of await queue.getFailed(0, -1)) if (j.id?.startsWith(`${run}-`)) await j.remove();
    const attempts = ro.attempts ?? 3;
    const todo = jobs.filter((j) => pending.has(j.index));
    for (let s = 0; s < todo.length; s += 500) {
      await queue.addBulk(todo.slice(s, s + 500).map((j) => ({
        name: String(j.data["type"] ?? "job"),
        data: j.data,
        opts: { jobId: jobId(run, j.index), attempts, backoff: { type: "fixed", delay: 1000 }, removeOnComplete: true, removeOnFail: false }
      })));
    }
    const liveWorkers = async (): Promise<number> => {
      const all = await redis.hgetall(keys.workers);
      let live = 0;
      for (const v of Object.values(all)) {
        try {
          const w = workerInfo.safeParse(JSON.parse(v));
          // Workers beat every 5 s.
          if (w.success && Date.now() - w.data.at < 15_000) live++;
        } catch {
          // not a worker entry
        }
      }
      return live;
    };
    let idleSince = Date.now();
    if ((await liveWorkers()) === 0) ro.log?.(`no live worker on ${q.masked} yet; the jobs wait in the queue until one starts: losscape worker --queue ${q.masked}`);
    let refusalShown = false;
    let lastCheck = Date.now();
    while (pending.size > 0) {
      const popped = await blocking.blpop(keys.done(run), 1);
      if (popped) {
        let entry: unknown;
        try {
          entry = JSON.parse(popped[1]);
        } catch {
          continue;
        }
        const d = doneEntry.safeParse(entry);
        if (!d.success) continue;
        if ("error" in d.data) {
          if (pending.has(d.data.i)) throw new UserError(`a worker could not compute job ${d.data.i} of this run: ${d.data.error}`);
          continue;
        }
        if (await collect(d.data.i)) idleSince = Date.now();
      }
      if (Date.now() - lastCheck > 2000 || !popped) {
        lastCheck = Date.now();
        const refused = await redis.get(keys.refused(run));
        if (refused && !refusalShown) {
          refusalShown = true;
          let message = refused;
          try {
            message = String((JSON.parse(refused) as { message?: unknown }).message ?? refused);
          } catch {
            // shown as stored
          }
          ro.log?.(`a worker refused this run's jobs: ${message}`);
        }
        if (Date.now() - idleSince > 30_000) {
          idleSince = Date.now();
          if ((await liveWorkers()) === 0) ro.log?.(`still waiting: no live worker on ${q.masked} (losscape worker --queue ${q.masked})`);
        }
        const failed = await failedOfRun();
        if (failed) throw new UserError(`the worker pool gave up on ${failed}`);
        await scan();
      }
    }
    await redis.del(keys.done(run), keys.refused(run));
  }, "lost the Redis queue");

  return {
    q,
    maxPayloadBytes,
    publish: (bytes, what) => guard(() => publishBlob(redis, bytes, maxPayloadBytes, what), "cannot publish to the Redis queue"),
    runJobs,
    async close() {
      await queue.close().catch(() => undefined);
      redis.disconnect();
      blocking.disconnect();
    }
  };
}
