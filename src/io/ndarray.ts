/**
 * The in-memory array shape shared by every file format in src/io: a dtype tag, a C-order (row-major)
 * shape and a typed array of exactly product(shape) elements. A 0-d array has shape [] and one element.
 */

export interface DtypeArrays {
  float64: Float64Array;
  float32: Float32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  /** One byte per element, 0 or 1 as numpy stores it. */
  bool: Uint8Array;
}

export type Dtype = keyof DtypeArrays;

/** Discriminated on dtype, so `if (a.dtype === "int64") a.data` is a BigInt64Array. */
export type NdArray = { [K in Dtype]: { dtype: K; shape: number[]; data: DtypeArrays[K] } }[Dtype];

export const DTYPE_BYTES: Record<Dtype, number> = {
  float64: 8, float32: 4, int64: 8, uint64: 8, int32: 4, uint32: 4,
  int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1
};

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

const TYPED_ARRAYS: { [D in Dtype]: { new (length: number): DtypeArrays[D]; new (buffer: ArrayBufferLike): DtypeArrays[D] } } = {
  float64: Float64Array, float32: Float32Array, int64: BigInt64Array, uint64: BigUint64Array,
  int32: Int32Array, uint32: Uint32Array, int16: Int16Array, uint16: Uint16Array,
  int8: Int8Array, uint8: Uint8Array, bool: Uint8Array
};

export function allocate<K extends Dtype>(dtype: K, length: number): DtypeArrays[K] {
  return new TYPED_ARRAYS[dtype](length);
}

/** The whole buffer viewed as `dtype` elements (the buffer must be aligned for it). */
export function viewAs<K extends Dtype>(dtype: K, buffer: ArrayBufferLike): DtypeArrays[K] {
  return new TYPED_ARRAYS[dtype](buffer);
}

/** Any array as float64, copied (never aliased, so callers may mutate the result freely). int64 beyond 2^53 rounds. */
export function toFloat64(arr: NdArray): { shape: number[]; data: Float64Array } {
  const out = new Float64Array(arr.data.length);
  if (arr.dtype === "int64" || arr.dtype === "uint64") {
    const src = arr.data;
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]!);
  } else {
    out.set(arr.data);
  }
  return { shape: arr.shape.slice(), data: out };
}

/** Check the invariant every NdArray must satisfy; a violation is a programming error. */
export function assertConsistent(arr: NdArray): void {
  for (const d of arr.shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`invalid dimension ${d} in shape ${formatShape(arr.shape)}`);
  }
  const n = shapeSize(arr.shape);
  if (arr.data.length !== n) {
    throw new Error(`shape ${formatShape(arr.shape)} needs ${n} elements but data has ${arr.data.length}`);
  }
}
