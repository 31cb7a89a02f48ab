/**
 * IDX files, the format MNIST and Fashion-MNIST ship in: two zero bytes, a type byte, a rank byte,
 * `rank` big-endian uint32 dimensions, then big-endian data in C order. Files are often distributed
 * gzip-compressed ("train-images-idx3-ubyte.gz"), so gzip is detected by its magic and inflated.
 */
import { gunzipSync } from "node:zlib";
import { UserError } from "../util/errors.js";
import { writeFileAtomic } from "./atomic-write.js";
import { type Dtype, type NdArray, DTYPE_BYTES, allocate, assertConsistent, formatShape, shapeSize } from "./ndarray.js";
import { readFileBytes } from "./read-file.js";

const TYPE_CODES: Record<number, Dtype> = {
  0x08: "uint8", 0x09: "int8", 0x0b: "int16", 0x0c: "int32", 0x0d: "float32", 0x0e: "float64"
};

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The bytes inflated when they are gzip-compressed, else unchanged; `fail` reports corrupt gzip data. */
export function gunzipIfCompressed(bytes: Uint8Array, fail: (problem: string) => never): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const buf = gunzipSync(bytes);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    return fail(`gzip data is corrupt (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Parse IDX bytes (gzip-compressed or not). `source` is named in every error message. */
export function readIdx(input: Uint8Array, source = "<idx bytes>"): NdArray {
  const fail = (problem: string): never => {
    throw new UserError(`${source}: not a valid IDX file: ${problem}`);
  };
  const bytes = gunzipIfCompressed(input, fail);
  if (bytes.length < 4) fail(`only ${bytes.length} bytes long (truncated?)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail("wrong magic (the first two bytes must be zero)");
  const dtype = TYPE_CODES[bytes[2]!];
  if (dtype === undefined) {
    fail(`unsupported type byte 0x${bytes[2]!.toString(16).padStart(2, "0")} (supported: 0x08 0x09 0x0b 0x0c 0x0d 0x0e)`);
  }
  const rank = bytes[3]!;
  const dataStart = 4 + 4 * rank;
  if (bytes.length < dataStart) fail(`file ends inside the ${rank} dimension sizes (truncated?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let k = 0; k < rank; k++) shape.push(view.getUint32(4 + 4 * k, false));
  const count = shapeSize(shape);
  const itemSize = DTYPE_BYTES[dtype!];
  const expected = count * itemSize;
  const actual = bytes.length - dataStart;
  if (actual !== expected) {
    fail(`shape ${formatShape(shape)} of ${dtype} needs ${expected} data bytes but ${actual} are present${actual < expected ? " (truncated?)" : ""}`);
  }
  return decode(dtype!, view, dataStart, count, shape);
}

/** Serialize to uncompressed IDX. Only the dtypes IDX can express are accepted. */
export function writeIdx(arr: NdArray): Uint8Array {
  assertConsistent(arr);
  const code = Object.entries(TYPE_CODES).find(([, d]) => d === arr.dtype)?.[0];
  if (code === undefined) throw new UserError(`IDX cannot store dtype ${arr.dtype} (it stores uint8, int8, int16, int32, float32, float64)`);
  if (arr.shape.length > 255) throw new UserError(`IDX cannot store ${arr.shape.length} dimensions (at most 255)`);
  for (const d of arr.shape) {
    if (d > 0xffffffff) throw new UserError(`IDX cannot store dimension ${d} (at most 2^32-1)`);
  }
  const dataStart = 4 + 4 * arr.shape.length;
  const itemSize = DTYPE_BYTES[arr.dtype];
  const out = new Uint8Array(dataStart + arr.data.length * itemSize);
  const view = new DataView(out.buffer);
  out[2] = Number(code);
  out[3] = arr.shape.length;
  arr.shape.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  const values = arr.data as ArrayLike<number>;
  for (let i = 0; i < values.length; i++) {
    const off = dataStart + i * itemSize;
    const v = values[i]!;
    switch (arr.dtype) {
      case "uint8": view.setUint8(off, v); break;
      case "int8": view.setInt8(off, v); break;
      case "int16": view.setInt16(off, v, false); break;
      case "int32": view.setInt32(off, v, false); break;
      case "float32": view.setFloat32(off, v, false); break;
      case "float64": view.setFloat64(off, v, false); break;
      default: throw new Error(`unreachable dtype ${arr.dtype}`);
    }
  }
  return out;
}

export function loadIdx(path: string): NdArray {
  return readIdx(readFileBytes(path), path);
}

export function saveIdx(path: string, arr: NdArray): void {
  writeFileAtomic(path, writeIdx(arr));
}

function decode(dtype: Dtype, view: DataView, start: number, count: number, shape: number[]): NdArray {
  switch (dtype) {
    case "uint8": return { dtype, shape, data: new Uint8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count)) };
    case "int8": return { dtype, shape, data: new Int8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count)) };
    case "int16": return { dtype, shape, data: fill(allocate(dtype, count), (i) => view.getInt16(start + 2 * i, false)) };
    case "int32": return { dtype, shape, data: fill(allocate(dtype, count), (i) => view.getInt32(start + 4 * i, false)) };
    case "float32": return { dtype, shape, data: fill(allocate(dtype, count), (i) => view.getFloat32(start + 4 * i, false)) };
    case "float64": return { dtype, shape, data: fill(allocate(dtype, count), (i) => view.getFloat64(start + 8 * i, false)) };
    default: throw new Error(`unreachable dtype ${dtype}`);
  }
}

function fill<T extends { length: number; [i: number]: number }>(out: T, at: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}
