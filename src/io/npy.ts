/**
 * NumPy .npy files (format spec: numpy/lib/format.py, "NEP 1"). Reads format versions 1.0, 2.0 and
 * 3.0, numeric and bool dtypes in either byte order, C or Fortran order (Fortran data is transposed
 * into C order). Writes little-endian, C order, version 1.0 unless the header needs 2.0.
 */
import { UserError } from "../util/errors.js";
import { writeFileAtomic } from "./atomic-write.js";
import {
  type Dtype, type NdArray, DTYPE_BYTES, assertConsistent, formatShape, shapeSize, viewAs
} from "./ndarray.js";
import { PyLiteralError, type PyValue, parsePythonLiteral } from "./python-literal.js";
import { readFileBytes } from "./read-file.js";

export { toFloat64 } from "./ndarray.js";
export type { Dtype as NpyDtype, NdArray as NpyArray } from "./ndarray.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** numpy type character + item size -> our dtype. */
const DESCR_KINDS: Record<string, Dtype> = {
  f8: "float64", f4: "float32", i8: "int64", u8: "uint64", i4: "int32", u4: "uint32",
  i2: "int16", u2: "uint16", i1: "int8", u1: "uint8", b1: "bool"
};

const DTYPE_DESCR: Record<Dtype, string> = {
  float64: "<f8", float32: "<f4", int64: "<i8", uint64: "<u8", int32: "<i4", uint32: "<u4",
  int16: "<i2", uint16: "<u2", int8: "|i1", uint8: "|u1", bool: "|b1"
};

interface NpyHeader {
  dtype: Dtype;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
}

/** Parse a .npy file. `source` (a path, usually) is named in every error message. */
export function readNpy(bytes: Uint8Array, source = "<npy bytes>"): NdArray {
  const fail = (problem: string): never => {
    throw new UserError(`${source}: not a valid .npy file: ${problem}`);
  };
  if (bytes.length < 10) fail(`file is only ${bytes.length} bytes long (truncated?)`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) fail("wrong magic bytes (expected \\x93NUMPY at the start)");
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = bytes[8]! | (bytes[9]! << 8);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail("file ends inside the header length (truncated?)");
    headerStart = 12;
    headerLength = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16)) + bytes[11]! * 2 ** 24;
  } else {
    return fail(`unsupported format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail(`header says it is ${headerLength} bytes but the file ends first (truncated?)`);
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const headerText = major === 3 ? new TextDecoder("utf-8").decode(headerBytes) : latin1(headerBytes);
  const header = parseHeader(headerText, fail);

  const count = shapeSize(header.shape);
  const itemSize = DTYPE_BYTES[header.dtype];
  const expectedBytes = count * itemSize;
  const actualBytes = bytes.length - dataStart;
  if (actualBytes < expectedBytes) {
    fail(`shape ${formatShape(header.shape)} of ${header.dtype} needs ${expectedBytes} data bytes but only ${actualBytes} are present (truncated?)`);
  }
  if (actualBytes > expectedBytes) {
    fail(`shape ${formatShape(header.shape)} of ${header.dtype} needs ${expectedBytes} data bytes but ${actualBytes} are present (trailing garbage?)`);
  }

  // A fresh copy is aligned for any typed array and can be byte-swapped in place.
  let raw: Uint8Array = bytes.slice(dataStart, dataStart + expectedBytes);
  if (itemSize > 1 && header.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(raw, itemSize);
  if (header.fortranOrder && header.shape.length > 1) raw = fortranToC(raw, header.shape, itemSize);
  return wrap(header.dtype, raw.buffer, header.shape);
}

/** Serialize to .npy bytes: little-endian, C order, format 1.0 (2.0 when the header exceeds 65535 bytes). */
export function writeNpy(arr: NdArray): Uint8Array {
  assertConsistent(arr);
  const dict = `{'descr': '${DTYPE_DESCR[arr.dtype]}', 'fortran_order': False, 'shape': ${formatShape(arr.shape)}, }`;
  // Version 1.0 stores the header length in 2 bytes; numpy pads so the data starts 64-byte aligned.
  let prefix = 10;
  let padded = padHeader(dict, prefix);
  if (padded.length > 0xffff) {
    prefix = 12;
    padded = padHeader(dict, prefix);
  }
  const body = dataBytesLittleEndian(arr);
  const out = new Uint8Array(prefix + padded.length + body.length);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[prefix + i] = padded.charCodeAt(i);
  out.set(body, prefix + padded.length);
  return out;
}

export function loadNpy(path: string): NdArray {
  return readNpy(readFileBytes(path), path);
}

/** Write atomically, so a crash never leaves a half-written array where a good one was. */
export function saveNpy(path: string, arr: NdArray): void {
  writeFileAtomic(path, writeNpy(arr));
}

/** A float64 NdArray from a shape and values; the common case when saving results. */
export function float64Array(shape: number[], data: Float64Array | number[]): NdArray {
  const arr: NdArray = { dtype: "float64", shape: shape.slice(), data: data instanceof Float64Array ? data : Float64Array.from(data) };
  assertConsistent(arr);
  return arr;
}

function parseHeader(text: string, fail: (problem: string) => never): NpyHeader {
  let literal: PyValue;
  try {
    literal = parsePythonLiteral(text);
  } catch (e) {
    if (e instanceof PyLiteralError) return fail(`cannot parse header ${JSON.stringify(text.trim())}: ${e.message}`);
    throw e;
  }
  if (literal.kind !== "dict") return fail(`header is not a dict: ${JSON.stringify(text.trim())}`);
  const get = (key: string): PyValue | undefined =>
    literal.entries.find(([k]) => k.kind === "str" && k.value === key)?.[1];
  const descr = get("descr");
  const fortran = get("fortran_order");
  const shape = get("shape");
  if (descr === undefined || fortran === undefined || shape === undefined) {
    return fail(`header lacks one of 'descr', 'fortran_order', 'shape': ${JSON.stringify(text.trim())}`);
  }
  if (descr.kind !== "str") return fail("unsupported dtype: structured (record) arrays are not supported");
  const { dtype, littleEndian } = parseDescr(descr.value, fail);
  if (fortran.kind !== "bool") return fail("'fortran_order' is not True or False");
  if (shape.kind !== "tuple" && shape.kind !== "list") return fail("'shape' is not a tuple");
  const dims = shape.items.map((d) => {
    if (d.kind !== "int" || !Number.isSafeInteger(d.value) || d.value < 0) {
      return fail("'shape' must hold non-negative integers");
    }
    return d.value;
  });
  return { dtype, littleEndian, fortranOrder: fortran.value, shape: dims };
}

function parseDescr(descr: string, fail: (problem: string) => never): { dtype: Dtype; littleEndian: boolean } {
  const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  const dtype = m === null ? undefined : DESCR_KINDS[`${m[2]}${m[3]}`];
  if (m === null || dtype === undefined) {
    return fail(`unsupported dtype '${descr}' (supported: ${Object.keys(DESCR_KINDS).join(", ")} in either byte order)`);
  }
  const order = m[1];
  if (order === "|" && DTYPE_BYTES[dtype] > 1) return fail(`dtype '${descr}' has no byte order`);
  const littleEndian = order === ">" ? false : order === "=" ? HOST_LITTLE_ENDIAN : true;
  return { dtype, littleEndian };
}

function padHeader(dict: string, prefix: number): string {
  const unpadded = prefix + dict.length + 1; // +1 for the terminating newline
  const pad = (64 - (unpadded % 64)) % 64;
  return dict + " ".repeat(pad) + "\n";
}

function dataBytesLittleEndian(arr: NdArray): Uint8Array {
  const itemSize = DTYPE_BYTES[arr.dtype];
  const view = new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
  if (HOST_LITTLE_ENDIAN || itemSize === 1) return view;
  const copy = view.slice();
  swapBytes(copy, itemSize);
  return copy;
}

function swapBytes(raw: Uint8Array, itemSize: number): void {
  for (let off = 0; off < raw.length; off += itemSize) {
    for (let a = off, b = off + itemSize - 1; a < b; a++, b--) {
      const t = raw[a]!;
      raw[a] = raw[b]!;
      raw[b] = t;
    }
  }
}

/** Reorder elements stored first-index-fastest into last-index-fastest, working on raw bytes so it is dtype-agnostic. */
function fortranToC(raw: Uint8Array, shape: number[], itemSize: number): Uint8Array {
  const rank = shape.length;
  const count = shapeSize(shape);
  const out = new Uint8Array(raw.length);
  const fStride = new Array<number>(rank);
  let s = 1;
  for (let k = 0; k < rank; k++) { fStride[k] = s; s *= shape[k]!; }
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < count; i++) {
    out.set(raw.subarray(src * itemSize, (src + 1) * itemSize), i * itemSize);
    // Odometer over the C-order multi-index, keeping the Fortran offset in step.
    for (let k = rank - 1; k >= 0; k--) {
      index[k]!++;
      src += fStride[k]!;
      if (index[k]! < shape[k]!) break;
      src -= index[k]! * fStride[k]!;
      index[k] = 0;
    }
  }
  return out;
}

function wrap(dtype: Dtype, buffer: ArrayBufferLike, shape: number[]): NdArray {
  const data = viewAs(dtype, buffer);
  return { dtype, shape, data } as NdArray;
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

