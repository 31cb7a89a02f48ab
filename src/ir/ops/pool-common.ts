/**
 * Window geometry shared by MaxPool and AveragePool (ONNX opset 17, input [N, C, D1, ..., Dk]), and the
 * IR building blocks their derivative rules use: a pooled value is a fold over the kernel offsets o of
 * `gather(x, o)`, the strided slice of the (zero-)padded input that holds cell o of every window, and the
 * adjoint of that slice (`scatter`). Both are written with unit-step Slice, Reshape and Pad only, so
 * derivative graphs built from them differentiate again in either mode.
 */
import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { ShapeError, fmtShape, sizeOf, stridesOf, type Shape } from "../shape.js";
import { attrInts } from "../op.js";
import { tensor, type Tensor } from "../tensor.js";
import type { DType } from "../dtype.js";

export interface PoolGeometry {
  /** N and C. */
  readonly lead: readonly number[];
  readonly spatial: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padBegin: readonly number[];
  readonly padEnd: readonly number[];
  readonly out: readonly number[];
}

const AUTO_PADS = ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"] as const;

function positiveInts(attrs: Attrs, name: string, k: number, def: number): number[] {
  const v = attrInts(attrs, name);
  if (v === undefined) return new Array<number>(k).fill(def);
  if (v.length !== k || v.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ShapeError(`${name} must be ${k} positive integers (one per spatial axis), got [${v.join(",")}]`);
  }
  return [...v];
}

/**
 * Output size per spatial axis. With ceil_mode a last window that would start in the right padding is
 * dropped (PyTorch's rule, which ONNX Runtime's kernels follow, measured, though its shape inference
 * does not: see the lowerings). SAME_* pads follow the ONNX formula;
 * ONNX Runtime computes them without the dilation, so SAME with dilations > 1 is refused rather than
 * given a meaning one of the two disagrees with.
 */
export function poolGeometry(x: Shape, attrs: Attrs, opts: { dilations: boolean }): PoolGeometry {
  if (x.length < 3) throw new ShapeError(`input must be [N, C, spatial...] (rank >= 3), got ${fmtShape(x)}`);
  const spatial = x.slice(2);
  const k = spatial.length;
  const kernelAttr = attrInts(attrs, "kernel_shape");
  if (!kernelAttr) throw new ShapeError("kernel_shape is required");
  const kernel = positiveInts(attrs, "kernel_shape", k, 1);
  const strides = positiveInts(attrs, "strides", k, 1);
  if (!opts.dilations && attrs["dilations"] !== undefined) throw new ShapeError("dilations are not an attribute of this op in opset 17");
  const dilations = positiveInts(attrs, "dilations", k, 1);
  const autoPad = attrs["auto_pad"] ?? "NOTSET";
  if (typeof autoPad !== "string" || !(AUTO_PADS as readonly string[]).includes(autoPad)) {
    throw new ShapeError(`auto_pad must be one of ${AUTO_PADS.join(", ")}, got ${JSON.stringify(autoPad)}`);
  }
  // ONNX's VALID output size ignores ceil_mode (ONNX Runtime's kernel does not, but its shape inference does)
  const ceil = (attrs["ceil_mode"] ?? 0) !== 0 && autoPad !== "VALID";
  const padsAttr = attrInts(attrs, "pads");
  if (padsAttr && (padsAttr.length !== 2 * k || padsAttr.some((p) => !Number.isInteger(p) || p < 0))) {
    throw new ShapeError(`pads must be ${2 * k} non-negative integers, got [${padsAttr.join(",")}]`);
  }
  if (padsAttr && autoPad !== "NOTSET" && padsAttr.some((p) => p !== 0)) throw new ShapeError(`pads cannot be combined with auto_pad ${autoPad}`);
  const padBegin: number[] = [], padEnd: number[] = [], out: number[] = [];
  for (let d = 0; d < k; d++) {
    const D = spatial[d]!, s = strides[d]!, eff = (kernel[d]! - 1) * dilations[d]! + 1;
    let pb = padsAttr ? padsAttr[d]! : 0, pe = padsAttr ? padsAttr[d + k]! : 0;
    if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
      if (dilations[d] !== 1) throw new ShapeError("auto_pad SAME with dilations > 1 is not supported (ONNX and ONNX Runtime disagree on its padding)");
      const total = (Math.ceil(D / s) - 1) * s + eff - D;
      // the spec's formula goes negative when the stride skips cells; ONNX Runtime refuses that too
      if (total < 0) throw new ShapeError(`auto_pad ${autoPad} needs negative padding on spatial axis ${d} (stride ${s} exceeds the kernel extent ${eff})`);
      pb = autoPad === "SAME_UPPER" ? Math.floor(total / 2) : Math.ceil(total / 2);
      pe = total - pb;
    }
    if (pb >= kernel[d]! || pe >= kernel[d]!) throw new ShapeError(`pads [${pb}, ${pe}] of spatial axis ${d} must be smaller than the kernel size ${kernel[d]}`);
    const span = D + pb + pe - eff;
    if (span < 0) throw new ShapeError(`kernel extent ${eff} exceeds the padded size ${D + pb + pe} of spatial axis ${d}`);
    let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    if (ceil && (o - 1) * s >= D + pb) o--;
    // With dilation a window can skip every cell of x; its max would be -inf and no cell could take the adjoint.
    for (let p = 0; p < o; p++) {
      let hits = false;
      for (let j = 0; j < kernel[d]! && !hits; j++) {
        const i = p * s - pb + j * dilations[d]!;
        hits = i >= 0 && i < D;
      }
      if (!hits) throw new ShapeError(`window ${p} of spatial axis ${d} lies entirely in the padding`);
    }
    padBegin.push(pb);
    padEnd.push(pe);
    out.push(o);
  }
  return { lead: x.slice(0, 2), spatial, kernel, strides, dilations, padBegin, padEnd, out };
}

/** Pads over all axes (Pad-op form) that make every window lie inside the padded input and no more. */
export function explicitWindowPads(geom: PoolGeometry): number[] {
  const k = geom.spatial.length, r = k + 2;
  const pads = new Array<number>(2 * r).fill(0);
  for (let d = 0; d < k; d++) {
    const eff = (geom.kernel[d]! - 1) * geom.dilations[d]! + 1;
    pads[2 + d] = geom.padBegin[d]!;
    pads[r + 2 + d] = (geom.out[d]! - 1) * geom.strides[d]! + eff - geom.spatial[d]! - geom.padBegin[d]!;
  }
  return pads;
}

export function pooledShape(g: PoolGeometry): number[] {
  return [...g.lead, ...g.out];
}

/** Every index vector of a box, in row-major order (the order ties are broken in). */
export function boxIndices(dims: readonly number[]): number[][] {
  const res: number[][] = [];
  const n = sizeOf(dims);
  const idx = new Array<number>(dims.length).fill(0);
  for (let f = 0; f < n; f++) {
    res.push([...idx]);
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
  return res;
}

/** Input index along spatial axis d of kernel cell j of window p. */
function cellIndex(g: PoolGeometry, d: number, p: number, j: number): number {
  return p * g.strides[d]! - g.padBegin[d]! + j * g.dilations[d]!;
}

export interface WindowPlan {
  readonly geom: PoolGeometry;
  /** N·C: the number of independent planes. */
  readonly planes: number;
  readonly inPlane: number;
  readonly outPlane: number;
  /** For each window (row-major over the output), the in-plane offsets of its cells inside x, in kernel order. */
  readonly cells: readonly Int32Array[];
  /** For each window, its cells inside x or its padding, not past it (AveragePool's count_include_pad divisor). */
  readonly withPads: Int32Array;
}

export function windowPlan(geom: PoolGeometry): WindowPlan {
  const str = stridesOf(geom.spatial);
  const outs = boxIndices(geom.out);
  const kcells = boxIndices(geom.kernel);
  const k = geom.spatial.length;
  const cells: Int32Array[] = [];
  const withPads = new Int32Array(outs.length);
  outs.forEach((p, q) => {
    const inside: number[] = [];
    for (const j of kcells) {
      let off = 0;
      for (let d = 0; d < k && off >= 0; d++) {
        const i = cellIndex(geom, d, p[d]!, j[d]!);
        off = i >= 0 && i < geom.spatial[d]! ? off + i * str[d]! : -1;
      }
      if (off >= 0) inside.push(off);
    }
    cells.push(Int32Array.from(inside));
    let count = 1;
    for (let d = 0; d < k; d++) {
      let c = 0;
      for (let j = 0; j < geom.kernel[d]!; j++) {
        const i = cellIndex(geom, d, p[d]!, j);
        if (i >= -geom.padBegin[d]! && i < geom.spatial[d]! + geom.padEnd[d]!) c++;
      }
      count *= c;
    }
    withPads[q] = count;
  });
  return { geom, planes: sizeOf(geom.lead), inPlane: sizeOf(geom.spatial), outPlane: outs.length, cells, withPads };
}

/** Runs `reduce` over every window of every plane; it gets the input's flat offsets of the window's cells. */
export function forEachWindow(plan: WindowPlan, reduce: (outIndex: number, window: number, cells: readonly number[]) => void): void {
  const buf: number[] = [];
  for (let pl = 0; pl < plan.planes; pl++) {
    const inBase = pl * plan.inPlane;
    for (let q = 0; q < plan.outPlane; q++) {
      const c = plan.cells[q]!;
      buf.length = c.length;
      for (let t = 0; t < c.length; t++) buf[t] = inBase + c[t]!;
      reduce(pl * plan.outPlane + q, q, buf);
    }
  }
}

// ---- IR building blocks for the derivative rules and decompositions ---------------------------------------

/** Kernel offsets in row-major order. */
export function kernelOffsets(geom: PoolGeometry): number[][] {
  return boxIndices(geom.kernel);
}

/** Pads (Pad-op form, over all axes) that cut x down or extend it with zeros to the region [start_d, start_d + out_d·stride_d) holding offset o. */
function offsetPads(geom: PoolGeometry, o: readonly number[]): number[] {
  const k = geom.spatial.length, r = k + 2;
  const pads = new Array<number>(2 * r).fill(0);
  for (let d = 0; d < k; d++) {
    const start = o[d]! * geom.dilations[d]! - geom.padBegin[d]!;
    pads[2 + d] = -start;
    pads[r + 2 + d] = start + geom.out[d]! * geom.strides[d]! - geom.spatial[d]!;
  }
  return pads;
}

/** Cell o of every window: shape [N, C, out...], zeros where the cell lies in the padding. */
export function gatherOffset(g: GraphBuilder, v: Value, geom: PoolGeometry, o: readonly number[]): Value {
  const pads = offsetPads(geom, o);
  let t = pads.some((p) => p !== 0) ? g.pad(v, pads) : v;
  if (geom.strides.some((s) => s > 1)) {
    const split = [...geom.lead, ...geom.out.flatMap((n, d) => [n, geom.strides[d]!])];
    const axes = geom.strides.flatMap((s, d) => (s > 1 ? [3 + 2 * d] : []));
    t = g.slice(g.reshape(t, split), axes.map(() => 0), axes.map(() => 1), axes);
    t = g.reshape(t, pooledShape(geom));
  }
  return t;
}

/** The adjoint of gatherOffset: w ([N, C, out...]) put back at the input positions of cell o, zeros elsewhere. */
export function scatterOffset(g: GraphBuilder, w: Value, geom: PoolGeometry, o: readonly number[]): Value {
  let t = w;
  if (geom.strides.some((s) => s > 1)) {
    const k = geom.spatial.length;
    const r2 = 2 + 2 * k;
    t = g.reshape(t, [...geom.lead, ...geom.out.flatMap((n) => [n, 1])]);
    const pads = new Array<number>(2 * r2).fill(0);
    geom.strides.forEach((s, d) => (pads[r2 + 3 + 2 * d] = s - 1));
    t = g.reshape(g.pad(t, pads), [...geom.lead, ...geom.out.map((n, d) => n * geom.strides[d]!)]);
  }
  const pads = offsetPads(geom, o);
  return pads.some((p) => p !== 0) ? g.pad(t, pads.map((p) => (p === 0 ? 0 : -p))) : t;
}

/** 1 where cell o of the window lies inside x, 0 in the padding ([1, 1, out...]); null when it always lies inside. */
export function offsetInside(geom: PoolGeometry, o: readonly number[], dtype: DType): Tensor | null {
  const k = geom.spatial.length;
  let all = true;
  const data = boxIndices(geom.out).map((p) => {
    for (let d = 0; d < k; d++) {
      const i = cellIndex(geom, d, p[d]!, o[d]!);
      if (i < 0 || i >= geom.spatial[d]!) {
        all = false;
        return 0;
      }
    }
    return 1;
  });
  return all ? null : tensor([1, 1, ...geom.out], data, dtype);
}

/** The average's divisor for each window, [1, 1, out...]. */
export function windowDivisors(plan: WindowPlan, countIncludePad: boolean, dtype: DType): Tensor {
  const d = plan.cells.map((c, q) => (countIncludePad ? plan.withPads[q]! : c.length));
  return tensor([1, 1, ...plan.geom.out], d, dtype);
}
