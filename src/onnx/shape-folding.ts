/**
 * Build-time evaluation of the integer shape computations exporters write around a network
 * (PyTorch's `x.view(x.size(0), -1)` becomes Shape -> Gather -> Unsqueeze -> Concat -> Reshape). Once
 * the data input's shape is fixed these are constants; the IR has no int64 Shape/Gather/Unsqueeze
 * ops and needs none, so they are computed here on plain tensors and only their results enter the graph.
 * Float constant subgraphs are folded by the op records' own kernels (see node-import.ts).
 */
import { broadcastShapes, normAxis, sizeOf } from "../ir/shape.js";
import { mapBinary } from "../ir/kernels.js";
import type { DType } from "../ir/dtype.js";
import type { Tensor } from "../ir/tensor.js";

/** Thrown with a bare reason; the caller names the node. */
export class FoldError extends Error {}

export function int64Tensor(shape: readonly number[], data: ArrayLike<number>): Tensor {
  return { dtype: "int64", shape: [...shape], data: Float64Array.from(data) };
}

/** ONNX Shape (start/end since opset 15: clamped, negative counts from the end). */
export function foldShape(shape: readonly number[], start?: number, end?: number): Tensor {
  const r = shape.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const s = clamp(start ?? 0);
  const e = clamp(end ?? r);
  const dims = shape.slice(s, Math.max(s, e));
  return int64Tensor([dims.length], dims);
}

export function foldSize(shape: readonly number[]): Tensor {
  return int64Tensor([], [sizeOf(shape)]);
}

/** The integer entries of a shape/axes/index tensor. */
export function intsOf(t: Tensor, what: string): number[] {
  const out = Array.from(t.data);
  if (out.some((v) => !Number.isInteger(v))) throw new FoldError(`${what} must hold integers, got [${out.join(",")}]`);
  return out;
}

/** Output shape of Gather and, per output element, the flat index into the data. */
export function gatherPlan(dataShape: readonly number[], indices: Tensor, axisAttr: number): { shape: number[]; axis: number; idx: number[] } {
  const r = dataShape.length;
  if (r === 0) throw new FoldError("Gather needs data of rank >= 1");
  const axis = normAxis(axisAttr, r, "Gather axis");
  const dim = dataShape[axis]!;
  const idx = intsOf(indices, "Gather indices").map((i) => {
    if (i < -dim || i >= dim) throw new FoldError(`Gather index ${i} is out of range for axis ${axis} of size ${dim}`);
    return i < 0 ? i + dim : i;
  });
  return { shape: [...dataShape.slice(0, axis), ...indices.shape, ...dataShape.slice(axis + 1)], axis, idx };
}

export function foldGather(data: Tensor, indices: Tensor, axisAttr: number): Tensor {
  const { shape, axis, idx } = gatherPlan(data.shape, indices, axisAttr);
  const outer = sizeOf(data.shape.slice(0, axis));
  const inner = sizeOf(data.shape.slice(axis + 1));
  const dim = data.shape[axis]!;
  const out = new Float64Array(sizeOf(shape));
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (const i of idx) {
      const base = (a * dim + i) * inner;
      for (let b = 0; b < inner; b++) out[o++] = data.data[base + b]!;
    }
  }
  return { dtype: data.dtype, shape, data: out };
}

export function unsqueezeShape(shape: readonly number[], axes: readonly number[]): number[] {
  const r = shape.length + axes.length;
  const norm = axes.map((a) => normAxis(a, r, "Unsqueeze axis"));
  if (new Set(norm).size !== norm.length) throw new FoldError(`Unsqueeze axes [${axes.join(",")}] repeat an axis`);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) out.push(norm.includes(i) ? 1 : shape[k++]!);
  return out;
}

export function squeezeShape(shape: readonly number[], axes: readonly number[] | undefined): number[] {
  if (axes === undefined) return shape.filter((d) => d !== 1);
  const norm = axes.map((a) => normAxis(a, shape.length, "Squeeze axis"));
  for (const a of norm) if (shape[a] !== 1) throw new FoldError(`Squeeze axis ${a} has size ${shape[a]}, not 1`);
  return shape.filter((_, i) => !norm.includes(i));
}

export function withShape(t: Tensor, shape: readonly number[]): Tensor {
  return { dtype: t.dtype, shape: [...shape], data: t.data };
}

export function foldConstantOfShape(shape: Tensor, value: Tensor | undefined, floatType: DType): Tensor {
  const dims = intsOf(shape, "ConstantOfShape shape");
  if (dims.some((d) => d < 0)) throw new FoldError(`ConstantOfShape shape [${dims.join(",")}] has a negative dimension`);
  const v = value?.data[0] ?? 0;
  const dtype = value?.dtype ?? floatType;
  return { dtype, shape: dims, data: new Float64Array(sizeOf(dims)).fill(v) };
}

export function foldRange(start: Tensor, limit: Tensor, delta: Tensor): Tensor {
  const [s, l, d] = [start.data[0]!, limit.data[0]!, delta.data[0]!];
  if (d === 0) throw new FoldError("Range delta is 0");
  const n = Math.max(Math.ceil((l - s) / d), 0);
  return { dtype: start.dtype, shape: [n], data: Float64Array.from({ length: n }, (_, i) => s + i * d) };
}

const INT_BINARY: Readonly<Record<string, (x: number, y: number) => number>> = {
  Add: (x, y) => x + y,
  Sub: (x, y) => x - y,
  Mul: (x, y) => x * y,
  // ONNX integer Div truncates toward zero (C semantics), as onnxruntime computes it.
  Div: (x, y) => {
    if (y === 0) throw new FoldError("integer division by zero");
    return Math.trunc(x / y);
  },
  Max: (x, y) => Math.max(x, y),
  Min: (x, y) => Math.min(x, y)
};

/** int64 arithmetic, which the IR's float-only arithmetic ops do not cover. */
export function foldIntElementwise(op: string, inputs: readonly Tensor[]): Tensor | undefined {
  if (inputs.length === 0 || inputs.some((t) => t.dtype !== "int64")) return undefined;
  if (op === "Neg" && inputs.length === 1) return { ...inputs[0]!, data: inputs[0]!.data.map((v) => -v) };
  if (op === "Abs" && inputs.length === 1) return { ...inputs[0]!, data: inputs[0]!.data.map(Math.abs) };
  const f = INT_BINARY[op];
  if (!f || inputs.length !== 2) return undefined;
  const [a, b] = inputs as [Tensor, Tensor];
  return mapBinary(a, b, { dtype: "int64", shape: broadcastShapes(a.shape, b.shape) }, f);
}
