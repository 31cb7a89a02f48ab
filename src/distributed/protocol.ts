/**
 * What submitters and workers say to each other through Redis. Jobs are data, validated with zod on
 * arrival (never code); every large input (the problem, θ, directions) is a content-addressed blob
 * the job names by sha256, stored once however many jobs use it.
 *
 * Redis keys (one BullMQ queue plus plain keys, all under the `losscape` prefix):
 *   losscape:jobs:*                     the BullMQ queue
 *   losscape:blob:<sha256>              problem payloads, θ, directions (binary)
 *   losscape:result:<run>:<index>       a finished job's values, kept until the submitter stores them
 *   losscape:done:<run>                 a list the workers push each finished index (or error) onto
 *   losscape:refused:<run>              why a worker refused this run's jobs (another version)
 *   losscape:workers                    a hash of live workers (heartbeats)
 */
import { z } from "zod";
import { VERSION } from "../version.js";

/** Bumped when the job format changes; a worker also refuses jobs of another losscape version. */
export const PROTOCOL = 1 as const;
export const QUEUE_PREFIX = "losscape";
export const QUEUE_NAME = "jobs";
const K = QUEUE_PREFIX;
export const keys = {
  blob: (hash: string) => `${K}:blob:${hash}`,
  result: (run: string, index: number) => `${K}:result:${run}:${index}`,
  done: (run: string) => `${K}:done:${run}`,
  refused: (run: string) => `${K}:refused:${run}`,
  workers: `${K}:workers`
};
/** BullMQ job ids may not contain ":". */
export const jobId = (run: string, index: number): string => `${run}-${index}`;

/** Blobs and results live a week: long enough for any run to collect them, and Redis cleans up after a dead one. */
export const BLOB_TTL_SECONDS = 7 * 24 * 3600;
/** Redis strings stop at 512 MiB; a problem is refused well before. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;
/** Points per chunk job (coordinates travel in the job). */
export const MAX_JOB_POINTS = 65_536;

const hash = z.string().regex(/^[0-9a-f]{64}$/);
const base = {
  protocol: z.literal(PROTOCOL),
  version: z.string().max(100),
  run: hash,
  index: z.number().int().min(0),
  problem: hash,
  theta: hash
};

const eigRatioSettings = z.object({ seed: z.number().int(), tol: z.number().positive(), maxIter: z.number().int().min(1).max(100_000) });
export type EigRatioJobSettings = z.infer<typeof eigRatioSettings>;

export const surfaceJob = z
  .object({
    ...base,
    type: z.literal("surface-chunk"),
    dirs: z.array(hash).min(1).max(2),
    dtype: z.enum(["float64", "float32"]),
    kind: z.enum(["plain", "first-layer shortcut", "first linear op precomputed"]),
    batch: z.number().int().min(1).max(4096),
    metrics: z.array(z.enum(["loss", "accuracy", "eig-ratio"])).min(1).max(3),
    plugins: z.object({ "eig-ratio": eigRatioSettings.optional() }).strict(),
    count: z.number().int().min(1).max(MAX_JOB_POINTS),
    coords: z.array(z.number()).max(2 * MAX_JOB_POINTS)
  })
  .strict()
  .refine((j) => j.coords.length === j.count * j.dirs.length, { message: "coords must hold count × dims numbers" });

const block = z.object({ name: z.string().max(1000), offset: z.number().int().min(0), size: z.number().int().min(1) }).strict();
const hessianBase = {
  ...base,
  dtype: z.enum(["float64", "float32"]),
  executor: z.enum(["onnx", "reference"]),
  block,
  seed: z.number().int(),
  /** The probe (trace) or run (density) number in the seeded sequence. */
  draw: z.number().int().min(0)
};
export const traceJob = z.object({ ...hessianBase, type: z.literal("hessian-trace") }).strict();
export const slqJob = z.object({ ...hessianBase, type: z.literal("hessian-slq"), steps: z.number().int().min(1).max(100_000) }).strict();

export const anyJob = z.union([surfaceJob, traceJob, slqJob]);
export type SurfaceJob = z.infer<typeof surfaceJob>;
export type TraceJob = z.infer<typeof traceJob>;
export type SlqJob = z.infer<typeof slqJob>;
export type AnyJob = z.infer<typeof anyJob>;

/** Read first, with nothing else assumed, so a job of another format is refused by version, not by a parse error. */
export const jobEnvelope = z.object({ protocol: z.unknown(), version: z.unknown(), run: z.string().max(200) }).passthrough();

export const doneEntry = z.union([
  z.object({ i: z.number().int().min(0), w: z.string().max(300) }).strict(),
  z.object({ i: z.number().int().min(0), error: z.string().max(10_000) }).strict()
]);
export type DoneEntry = z.infer<typeof doneEntry>;

export const resultHeader = z.object({ run: hash, index: z.number().int().min(0), worker: z.string().max(300), version: z.string().max(100), summary: z.record(z.string(), z.number()).optional() }).strict();
export type ResultHeader = z.infer<typeof resultHeader>;

export const workerInfo = z.object({ id: z.string(), host: z.string(), pid: z.number(), version: z.string(), concurrency: z.number(), at: z.number() }).passthrough();
export type WorkerInfo = z.infer<typeof workerInfo>;

export { VERSION };
