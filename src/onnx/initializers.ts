/**
 * Tensor data in an ONNX file: values held inline (raw_data or the typed *_data fields) or in an
 * external data file (data_location = EXTERNAL, as torch.onnx.export writes for models over 2 GB or
 * when asked), converted to the IR's storage: a Float64Array per tensor, exact for float32, float64,
 * int32, bool and int64 up to 2^53.
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import {
  DataLocation,
  TensorDataType,
  tensorValues,
  type Int64,
  type TensorProtoLike
} from "../exec/onnx/onnx-proto.js";
import { describeFsError } from "../io/atomic-write.js";
import type { DType } from "../ir/dtype.js";
import type { Tensor } from "../ir/tensor.js";
import { UserError } from "../util/errors.js";

/**
 * int64 as a JS number, clamped to ±(2^53 − 1). In the shape and index tensors of exported models,
 * values that large occur only as "to the end" sentinels (Slice's INT64_MAX / INT64_MIN), whose meaning
 * clamping keeps, and it keeps every later step (IR attributes, ONNX export) in safe integers.
 */
export function clampInt64(v: Int64): number {
  if (typeof v === "number") return v;
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (v > max) return Number.MAX_SAFE_INTEGER;
  if (v < -max) return -Number.MAX_SAFE_INTEGER;
  return Number(v);
}

/** Where a model's bytes came from: `path` names it in messages, `dir` anchors external data locations. */
export interface TensorSource {
  readonly path: string;
  readonly dir: string;
  /** External data files read so far, by resolved path (a model usually keeps all tensors in one file). */
  readonly files: Map<string, Uint8Array>;
}

export function tensorSource(path: string, dir: string): TensorSource {
  return { path, dir, files: new Map() };
}

const SUPPORTED_TYPES: ReadonlyMap<number, DType> = new Map<number, DType>([
  [TensorDataType.FLOAT, "float32"],
  [TensorDataType.DOUBLE, "float64"],
  [TensorDataType.INT64, "int64"],
  // int32 shape tensors are rare but legal; the IR holds them as int64 (exact either way).
  [TensorDataType.INT32, "int64"],
  [TensorDataType.BOOL, "bool"]
]);

export function onnxTypeName(t: number): string {
  return TensorDataType[t] ?? `#${t}`;
}

/** The IR dtype an ONNX element type imports as, or a UserError naming the tensor and the type. */
export function importedDType(t: number | undefined, what: string, path: string): DType {
  const d = SUPPORTED_TYPES.get(t ?? TensorDataType.UNDEFINED);
  if (d === undefined) {
    throw new UserError(
      `${path}: ${what} has ONNX data type ${onnxTypeName(t ?? 0)}, which losscape does not support (supported: FLOAT, DOUBLE, INT64, INT32, BOOL)`
    );
  }
  return d;
}

function externalEntry(t: TensorProtoLike, key: string): string | undefined {
  return t.externalData?.find((e) => e.key === key)?.value;
}

function readExternalFile(src: TensorSource, location: string, what: string): Uint8Array {
  if (isAbsolute(location)) {
    throw new UserError(`${src.path}: ${what} names external data file '${location}' by an absolute path; ONNX requires a path relative to the model's folder`);
  }
  const full = resolve(src.dir, location);
  const rel = relative(resolve(src.dir), full);
  if (rel.startsWith("..") || isAbsolute(rel)) {
    throw new UserError(`${src.path}: ${what} names external data file '${location}', which lies outside the model's folder ${src.dir}`);
  }
  const hit = src.files.get(full);
  if (hit) return hit;
  let bytes: Uint8Array;
  try {
    if (!statSync(full).isFile()) throw new Error("not a regular file");
    const buf = readFileSync(full);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new UserError(`${src.path}: ${what} keeps its values in external data file '${location}' (${full}), which cannot be read: ${describeFsError(e)}`);
  }
  src.files.set(full, bytes);
  return bytes;
}

function parseOffset(v: string | undefined, key: string, what: string, path: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) {
    throw new UserError(`${path}: ${what} has external_data ${key} '${v}', not a non-negative integer`);
  }
  return n;
}

/** The bytes of an external-data tensor, cut from its file by offset/length. */
export function externalBytes(t: TensorProtoLike, what: string, src: TensorSource): Uint8Array {
  const location = externalEntry(t, "location");
  if (location === undefined || location === "") {
    throw new UserError(`${src.path}: ${what} is marked EXTERNAL but its external_data has no 'location'`);
  }
  const file = readExternalFile(src, location, what);
  const offset = parseOffset(externalEntry(t, "offset"), "offset", what, src.path) ?? 0;
  const length = parseOffset(externalEntry(t, "length"), "length", what, src.path);
  const end = length === undefined ? file.length : offset + length;
  if (offset > file.length || end > file.length) {
    throw new UserError(
      `${src.path}: ${what} needs bytes ${offset}..${end} of external data file '${location}', which has only ${file.length} bytes (truncated?)`
    );
  }
  return file.subarray(offset, end);
}

export function isExternal(t: TensorProtoLike): boolean {
  return t.dataLocation === DataLocation.EXTERNAL;
}

export interface DecodedTensor {
  /** dtype as imported (int32 becomes int64); data as float64, exact. */
  readonly tensor: Tensor;
  /** The ONNX element type in the file. */
  readonly onnxType: number;
}

function int32Values(t: TensorProtoLike, n: number, what: string, path: string): Float64Array {
  if (t.rawData !== undefined && t.rawData.length > 0) {
    if (t.rawData.length !== 4 * n) throw new UserError(`${path}: ${what}: raw_data has ${t.rawData.length} bytes, expected ${4 * n}`);
    const dv = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Float64Array.from({ length: n }, (_, k) => dv.getInt32(4 * k, true));
  }
  const d = t.int32Data ?? [];
  if (d.length !== n) throw new UserError(`${path}: ${what}: has ${d.length} values, its shape needs ${n}`);
  return Float64Array.from(d);
}

/** Decode any tensor of the file (initializer, Constant value) with a UserError naming it on any defect. */
export function decodeTensor(t: TensorProtoLike, what: string, src: TensorSource): DecodedTensor {
  const onnxType = t.dataType ?? TensorDataType.UNDEFINED;
  const dtype = importedDType(onnxType, what, src.path);
  const inline: TensorProtoLike = isExternal(t) ? { ...t, rawData: externalBytes(t, what, src), externalData: [] } : t;
  const dims = (inline.dims ?? []).map((d) => {
    const x = Number(d);
    if (!Number.isSafeInteger(x) || x < 0) throw new UserError(`${src.path}: ${what} has invalid dimension ${d}`);
    return x;
  });
  const n = dims.reduce((a, b) => a * b, 1);
  let data: Float64Array;
  if (onnxType === TensorDataType.INT32) {
    data = int32Values(inline, n, what, src.path);
  } else {
    let values: ReturnType<typeof tensorValues>["data"];
    try {
      values = tensorValues(inline).data;
    } catch (e) {
      throw new UserError(`${src.path}: ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (values instanceof BigInt64Array) {
      data = new Float64Array(values.length);
      for (let k = 0; k < values.length; k++) data[k] = clampInt64(values[k]!);
    } else {
      data = Float64Array.from(values);
    }
  }
  return { tensor: { dtype, shape: dims, data }, onnxType };
}
