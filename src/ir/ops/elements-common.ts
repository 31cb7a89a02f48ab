/**
 * The index arithmetic GatherElements and ScatterElements share (ONNX opset 17): `indices` has the rank of
 * `data`; entry f of `indices`, at multi-index (i0, …, ir-1), addresses data[i0, …, indices[f], …, ir-1]
 * with indices[f] replacing the coordinate on `axis`. Negative indices count from the end of that axis.
 */
import type { ValueType } from "../graph.js";
import { ShapeError, fmtShape, normAxis, sizeOf, stridesOf, type Shape } from "../shape.js";

/** The axis, checked against data's rank; indices must be int64 of the same rank, no longer than data off the axis. */
export function elementsAxis(data: ValueType, indices: ValueType, axisAttr: number | undefined): number {
  if (indices.dtype !== "int64") throw new ShapeError(`indices must be int64, got ${indices.dtype}`);
  const r = data.shape.length;
  if (r < 1) throw new ShapeError("data must have rank >= 1");
  if (indices.shape.length !== r) throw new ShapeError(`indices ${fmtShape(indices.shape)} must have the rank of data ${fmtShape(data.shape)}`);
  const axis = normAxis(axisAttr ?? 0, r, "axis");
  for (let d = 0; d < r; d++) {
    if (d !== axis && indices.shape[d]! > data.shape[d]!) {
      throw new ShapeError(`indices ${fmtShape(indices.shape)} exceed data ${fmtShape(data.shape)} on axis ${d}`);
    }
  }
  return axis;
}

/**
 * For each entry of `indices`, the flat offset into data it addresses when its index is `k` (0 <= k < the
 * axis length): base[f] + k·stride. Returned as the bases and the axis stride so callers can try several k
 * (an interval of indices) without recomputing the rest.
 */
export function elementBases(dataShape: Shape, indicesShape: Shape, axis: number): { bases: Float64Array; stride: number; length: number } {
  const dStr = stridesOf(dataShape);
  const n = sizeOf(indicesShape);
  const bases = new Float64Array(n);
  const idx = new Array<number>(indicesShape.length).fill(0);
  for (let f = 0; f < n; f++) {
    let off = 0;
    for (let d = 0; d < idx.length; d++) if (d !== axis) off += idx[d]! * dStr[d]!;
    bases[f] = off;
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < indicesShape[d]!) break;
      idx[d] = 0;
    }
  }
  return { bases, stride: dStr[axis]!, length: dataShape[axis]! };
}

/** An index value as a position on the axis (negatives from the end); throws when it is out of range. */
export function axisPosition(k: number, length: number): number {
  if (!Number.isInteger(k) || k < -length || k >= length) throw new ShapeError(`index ${k} is out of range for an axis of length ${length}`);
  return k < 0 ? k + length : k;
}

/**
 * The positions an index known only to lie in [lo, hi] may address (the interval kernels' case), in
 * range and without repeats; empty when none is.
 */
export function axisPositions(lo: number, hi: number, length: number): number[] {
  const seen = new Set<number>();
  for (let k = Math.max(Math.ceil(lo), -length); k <= Math.min(Math.floor(hi), length - 1); k++) seen.add(k < 0 ? k + length : k);
  return [...seen].sort((a, b) => a - b);
}
