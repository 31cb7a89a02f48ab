/**
 * A thin layer over onnxruntime-node: build a session from serialized ModelProto bytes and run it
 * with plain typed-array tensors in and out, so callers never touch ORT's own Tensor class.
 */
import os from "node:os";
import * as ort from "onnxruntime-node";
import type { DType } from "../../ir/dtype.js";
import { UserError } from "../../util/errors.js";

export type OrtSession = ort.InferenceSession;

export interface CreateSessionOptions {
  /** Threads inside one op; default os.availableParallelism(). */
  intraOpThreads?: number;
  /** Execution providers in priority order; default ["cpu"]. */
  executionProviders?: readonly string[];
  /** ORT log level, 0 verbose .. 4 fatal; default 3 (errors) so routine optimizer notes stay quiet. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** A tensor handed to runSession. Float data may be any numeric array; it is converted to the dtype's typed array. */
export interface FeedTensor {
  dtype: DType;
  dims: readonly number[];
  data: ArrayLike<number> | BigInt64Array;
}

/** A tensor returned by runSession; `data` is the typed array that matches `dtype`. */
export type HostTensor =
  | { dtype: "float32"; dims: number[]; data: Float32Array }
  | { dtype: "float64"; dims: number[]; data: Float64Array }
  | { dtype: "int64"; dims: number[]; data: BigInt64Array }
  | { dtype: "bool"; dims: number[]; data: Uint8Array };

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function createSession(
  modelBytes: Uint8Array,
  options: CreateSessionOptions = {},
): Promise<OrtSession> {
  const threads = options.intraOpThreads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UserError(`createSession: intraOpThreads must be a positive integer, got ${threads}`);
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: options.executionProviders ?? ["cpu"],
    graphOptimizationLevel: "all",
    intraOpNumThreads: threads,
    logSeverityLevel: options.logSeverityLevel ?? 3,
  };
  try {
    return await ort.InferenceSession.create(modelBytes, sessionOptions);
  } catch (e) {
    throw new Error(`ONNX Runtime could not load the model: ${errorMessage(e)}`, { cause: e });
  }
}

function elementCount(dims: readonly number[], where: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new UserError(`${where}: dimension ${d} is not a non-negative integer`);
    n *= d;
  }
  return n;
}

function toOrtTensor(name: string, t: FeedTensor): ort.Tensor {
  const where = `input '${name}'`;
  const n = elementCount(t.dims, where);
  if (t.data.length !== n) {
    throw new UserError(`${where}: shape [${t.dims.join(",")}] needs ${n} values, got ${t.data.length}`);
  }
  const dims = [...t.dims];
  if (t.dtype !== "int64" && t.data instanceof BigInt64Array) {
    throw new UserError(`${where}: BigInt64Array data given for dtype ${t.dtype}`);
  }
  const numeric = t.data as ArrayLike<number>;
  switch (t.dtype) {
    case "float32":
      return new ort.Tensor("float32", numeric instanceof Float32Array ? numeric : Float32Array.from(numeric), dims);
    case "float64":
      return new ort.Tensor("float64", numeric instanceof Float64Array ? numeric : Float64Array.from(numeric), dims);
    case "int64": {
      if (t.data instanceof BigInt64Array) return new ort.Tensor("int64", t.data, dims);
      const out = new BigInt64Array(n);
      for (let k = 0; k < n; k++) {
        const v = numeric[k]!;
        if (!Number.isSafeInteger(v)) throw new UserError(`${where}: int64 element ${k} is ${v}, not a safe integer`);
        out[k] = BigInt(v);
      }
      return new ort.Tensor("int64", out, dims);
    }
    case "bool":
      return new ort.Tensor("bool", Uint8Array.from(numeric, (v) => (v ? 1 : 0)), dims);
  }
}

function fromOrtValue(name: string, v: ort.OnnxValue): HostTensor {
  const dims = [...v.dims];
  switch (v.type) {
    case "float32":
      if (v.data instanceof Float32Array) return { dtype: "float32", dims, data: v.data };
      break;
    case "float64":
      if (v.data instanceof Float64Array) return { dtype: "float64", dims, data: v.data };
      break;
    case "int64":
      if (v.data instanceof BigInt64Array) return { dtype: "int64", dims, data: v.data };
      break;
    case "bool":
      if (v.data instanceof Uint8Array) return { dtype: "bool", dims, data: v.data };
      break;
  }
  throw new Error(`ONNX Runtime output '${name}' has type ${v.type}, which losscape does not handle`);
}

/** Runs every output of the model. Feed names must match the graph's inputs exactly. */
export async function runSession(
  session: OrtSession,
  feeds: Readonly<Record<string, FeedTensor>>,
  /** Outputs to compute (default: all); onnxruntime skips the nodes only the others need. */
  fetches?: readonly string[],
): Promise<Record<string, HostTensor>> {
  const wanted = fetches ?? session.outputNames;
  const unknown = wanted.filter((n) => !session.outputNames.includes(n));
  if (unknown.length > 0) throw new UserError(`runSession: unknown output(s) ${unknown.map((n) => `'${n}'`).join(", ")}`);
  const missing = session.inputNames.filter((n) => !(n in feeds));
  const extra = Object.keys(feeds).filter((n) => !session.inputNames.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${missing.map((n) => `'${n}'`).join(", ")}`);
    if (extra.length > 0) parts.push(`unknown ${extra.map((n) => `'${n}'`).join(", ")}`);
    throw new UserError(`runSession: model inputs do not match feeds (${parts.join("; ")})`);
  }
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(name, t);
  let results: ort.InferenceSession.ReturnType;
  try {
    results = fetches ? await session.run(ortFeeds, [...fetches]) : await session.run(ortFeeds);
  } catch (e) {
    throw new Error(`ONNX Runtime run failed: ${errorMessage(e)}`, { cause: e });
  }
  const out: Record<string, HostTensor> = {};
  for (const name of wanted) {
    const v = results[name];
    if (v === undefined) throw new Error(`ONNX Runtime returned no value for output '${name}'`);
    out[name] = fromOrtValue(name, v);
  }
  return out;
}

export async function releaseSession(session: OrtSession): Promise<void> {
  await session.release();
}
