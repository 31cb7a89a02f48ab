/** float64 reference kernels shared by several op records. Plain loops: clarity over speed. */
import type { DType } from "./dtype.js";
import { isFloat } from "./dtype.js";
import type { ValueType } from "./graph.js";
import { ShapeError, broadcastIndexMap, broadcastShapes, fmtShape, normAxis, sizeOf, stridesOf, type Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";

export function out(type: ValueType, data: Float64Array): Tensor {
  return { dtype: type.dtype, shape: type.shape, data };
}

export function mapUnary(x: Tensor, type: ValueType, f: (v: number) => number): Tensor {
  const d = x.data;
  const r = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) r[i] = f(d[i]!);
  return out(type, r);
}

export function mapBinary(a: Tensor, b: Tensor, type: ValueType, f: (x: number, y: number) => number): Tensor {
  const n = sizeOf(type.shape);
  const r = new Float64Array(n);
  const ad = a.data, bd = b.data;
  if (ad.length === n && bd.length === n) {
    for (let i = 0; i < n; i++) r[i] = f(ad[i]!, bd[i]!);
  } else if (bd.length === 1 && ad.length === n) {
    const y = bd[0]!;
    for (let i = 0; i < n; i++) r[i] = f(ad[i]!, y);
  } else if (ad.length === 1 && bd.length === n) {
    const x = ad[0]!;
    for (let i = 0; i < n; i++) r[i] = f(x, bd[i]!);
  } else {
    const ma = broadcastIndexMap(a.shape, type.shape);
    const mb = broadcastIndexMap(b.shape, type.shape);
    for (let i = 0; i < n; i++) r[i] = f(ad[ma ? ma[i]! : i]!, bd[mb ? mb[i]! : i]!);
  }
  return out(type, r);
}

export function mapTernary(a: Tensor, b: Tensor, c: Tensor, type: ValueType, f: (x: number, y: number, z: number) => number): Tensor {
  const n = sizeOf(type.shape);
  const r = new Float64Array(n);
  const ma = broadcastIndexMap(a.shape, type.shape);
  const mb = broadcastIndexMap(b.shape, type.shape);
  const mc = broadcastIndexMap(c.shape, type.shape);
  for (let i = 0; i < n; i++) {
    r[i] = f(a.data[ma ? ma[i]! : i]!, b.data[mb ? mb[i]! : i]!, c.data[mc ? mc[i]! : i]!);
  }
  return out(type, r);
}

export function requireFloat(t: ValueType, which = "input"): void {
  if (!isFloat(t.dtype)) throw new ShapeError(`${which} must be float32 or float64, got ${t.dtype}`);
}

export function inferUnaryFloat([x]: readonly ValueType[]): ValueType {
  requireFloat(x!);
  return { dtype: x!.dtype, shape: x!.shape };
}

export function sameDType(types: readonly ValueType[]): DType {
  const d = types[0]!.dtype;
  for (const t of types) {
    if (t.dtype !== d) throw new ShapeError(`operands have different dtypes (${types.map((x) => x.dtype).join(" vs ")}); insert a Cast`);
  }
  return d;
}

export function inferBroadcast(types: readonly ValueType[], resultDType?: DType): ValueType {
  const d = sameDType(types);
  return { dtype: resultDType ?? d, shape: broadcastShapes(...types.map((t) => t.shape)) };
}

export function inferBinaryFloat(types: readonly ValueType[]): ValueType {
  const t = inferBroadcast(types);
  requireFloat(t);
  return t;
}

/** numpy matmul shapes: 1-D operands are promoted and the promoted axis dropped. */
export function matmulShape(a: Shape, b: Shape): number[] {
  if (a.length === 0 || b.length === 0) throw new ShapeError("MatMul operands must have rank >= 1");
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const k1 = a2[a2.length - 1]!, k2 = b2[b2.length - 2]!;
  if (k1 !== k2) throw new ShapeError(`inner dimensions differ: ${fmtShape(a)} @ ${fmtShape(b)}`);
  const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2));
  const res = [...batch, a2[a2.length - 2]!, b2[b2.length - 1]!];
  if (a.length === 1) res.splice(res.length - 2, 1);
  if (b.length === 1) res.splice(res.length - 1, 1);
  return res;
}

/** The loop structure of numpy matmul, shared by every interpreter's kernel: sizes and each batch's matrix offsets. */
export interface MatmulPlan {
  m: number;
  k: number;
  n: number;
  batches: number;
  /** Offset of batch t's m×k matrix in A's data. */
  aOffset(t: number): number;
  /** Offset of batch t's k×n matrix in B's data. */
  bOffset(t: number): number;
}

export function matmulPlan(aShape: Shape, bShape: Shape): MatmulPlan {
  const as = aShape.length === 1 ? [1, aShape[0]!] : aShape;
  const bs = bShape.length === 1 ? [bShape[0]!, 1] : bShape;
  const m = as[as.length - 2]!, k = as[as.length - 1]!, n = bs[bs.length - 1]!;
  const batch = broadcastShapes(as.slice(0, -2), bs.slice(0, -2));
  const ma = broadcastIndexMap(as.slice(0, -2), batch);
  const mb = broadcastIndexMap(bs.slice(0, -2), batch);
  return {
    m, k, n,
    batches: sizeOf(batch),
    aOffset: (t) => (ma ? ma[t]! : t) * m * k,
    bOffset: (t) => (mb ? mb[t]! : t) * k * n
  };
}

export function matmulKernel(a: Tensor, b: Tensor, type: ValueType): Tensor {
  const { m, k, n, batches, aOffset, bOffset } = matmulPlan(a.shape, b.shape);
  const r = new Float64Array(batches * m * n);
  const ad = a.data, bd = b.data;
  for (let t = 0; t < batches; t++) {
    const ao = aOffset(t), bo = bOffset(t), ro = t * m * n;
    for (let i = 0; i < m; i++) {
      const rrow = ro + i * n;
      for (let p = 0; p < k; p++) {
        const av = ad[ao + i * k + p]!;
        if (av === 0) continue;
        const brow = bo + p * n;
        for (let j = 0; j < n; j++) r[rrow + j]! += av * bd[brow + j]!;
      }
    }
  }
  return out(type, r);
}

export function transposeKernel(x: Tensor, perm: readonly number[], type: ValueType): Tensor {
  const rank = x.shape.length;
  const inStr = stridesOf(x.shape);
  const n = x.data.length;
  const r = new Float64Array(n);
  const outShape = type.shape;
  const idx = new Array<number>(rank).fill(0);
  const step = perm.map((p) => inStr[p]!);
  let off = 0;
  for (let f = 0; f < n; f++) {
    r[f] = x.data[off]!;
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]!++;
      off += step[k]!;
      if (idx[k]! < outShape[k]!) break;
      off -= step[k]! * outShape[k]!;
      idx[k] = 0;
    }
  }
  return out(type, r);
}

/** Normalised, sorted, de-duplicated reduction axes (all axes when undefined). */
export function reduceAxes(rank: number, axes: readonly number[] | undefined): number[] {
  if (axes === undefined || axes.length === 0) return Array.from({ length: rank }, (_, i) => i);
  const set = new Set(axes.map((a) => normAxis(a, rank, "reduction axis")));
  if (set.size !== axes.length) throw new ShapeError(`repeated reduction axis in [${axes.join(",")}]`);
  return [...set].sort((a, b) => a - b);
}

export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const res: number[] = [];
  shape.forEach((d, i) => {
    if (axes.includes(i)) {
      if (keepdims) res.push(1);
    } else res.push(d);
  });
  return res;
}

/** Generic reduction: `init`, then fold each element into its output slot. */
export function reduceKernel(x: Tensor, axes: readonly number[], init: number, fold: (acc: number, v: number) => number): Float64Array {
  const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const r = new Float64Array(sizeOf(keepShape)).fill(init);
  const map = broadcastIndexMap(keepShape, x.shape);
  for (let f = 0; f < x.data.length; f++) {
    const o = map ? map[f]! : f;
    r[o] = fold(r[o]!, x.data[f]!);
  }
  return r;
}

export function expandKernel(x: Tensor, type: ValueType): Tensor {
  const map = broadcastIndexMap(x.shape, type.shape);
  if (!map) return out(type, x.data.slice());
  const r = new Float64Array(map.length);
  for (let i = 0; i < map.length; i++) r[i] = x.data[map[i]!]!;
  return out(type, r);
}

/** Softmax-style kernel over one axis: calls `f` with each lane's values (a strided view copied out and back). */
export function laneKernel(x: Tensor, axis: number, type: ValueType, f: (lane: Float64Array) => void): Tensor {
  const shape = x.shape;
  const len = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const r = new Float64Array(x.data.length);
  const lane = new Float64Array(len);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      for (let k = 0; k < len; k++) lane[k] = x.data[base + k * inner]!;
      f(lane);
      for (let k = 0; k < len; k++) r[base + k * inner] = lane[k]!;
    }
  }
  return out(type, r);
}

export function isIntegral(d: DType): boolean {
  return d === "int64" || d === "bool";
}
