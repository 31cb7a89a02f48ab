import type { DType } from "./dtype.js";
import { sizeOf, fmtShape, type Shape } from "./shape.js";

/**
 * A dense row-major tensor. Data is always a Float64Array: float32 values are stored rounded
 * (Math.fround), int64 exactly up to 2^53, bool as 0/1. One storage type keeps every kernel simple;
 * executors convert at their boundary.
 */
export interface Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function tensor(shape: Shape, data: ArrayLike<number>, dtype: DType = "float64"): Tensor {
  const n = sizeOf(shape);
  if (data.length !== n) {
    throw new Error(`tensor of shape ${fmtShape(shape)} needs ${n} values, got ${data.length}`);
  }
  const arr = data instanceof Float64Array ? data : Float64Array.from(data);
  return { dtype, shape: [...shape], data: dtype === "float32" ? roundF32(arr) : arr };
}

export function scalar(v: number, dtype: DType = "float64"): Tensor {
  return tensor([], [v], dtype);
}

export function zeros(shape: Shape, dtype: DType = "float64"): Tensor {
  return { dtype, shape: [...shape], data: new Float64Array(sizeOf(shape)) };
}

export function fill(shape: Shape, v: number, dtype: DType = "float64"): Tensor {
  return { dtype, shape: [...shape], data: new Float64Array(sizeOf(shape)).fill(v) };
}

type Nested = number | Nested[];

/** Build a tensor from nested arrays (shape inferred, ragged input rejected). */
export function fromNested(v: Nested, dtype: DType = "float64"): Tensor {
  const shape: number[] = [];
  let cur: Nested = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as Nested;
  }
  const flat: number[] = [];
  const walk = (x: Nested, depth: number): void => {
    if (depth === shape.length) {
      if (typeof x !== "number") throw new Error("ragged nested array");
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw new Error("ragged nested array");
    for (const e of x) walk(e, depth + 1);
  };
  walk(v, 0);
  return tensor(shape, flat, dtype);
}

export function toNested(t: Tensor): Nested {
  if (t.shape.length === 0) return t.data[0]!;
  const rec = (axis: number, off: number): Nested[] => {
    const n = t.shape[axis]!;
    const stride = sizeOf(t.shape.slice(axis + 1));
    const out: Nested[] = [];
    for (let i = 0; i < n; i++) {
      out.push(axis === t.shape.length - 1 ? t.data[off + i]! : rec(axis + 1, off + i * stride));
    }
    return out;
  };
  return rec(0, 0);
}

export function roundF32(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.fround(a[i]!);
  return out;
}
