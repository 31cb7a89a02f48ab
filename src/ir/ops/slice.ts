import type { Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { ShapeError, normAxis, sizeOf, stridesOf, type Shape } from "../shape.js";
import { attrInts, defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

interface AxisSlice {
  axis: number;
  start: number;
  step: number;
  count: number;
}

/** ONNX Slice semantics: negative indices count from the end, out-of-range bounds are clamped. */
export function resolveSlice(shape: Shape, attrs: Attrs): AxisSlice[] {
  const starts = attrInts(attrs, "starts") ?? [];
  const ends = attrInts(attrs, "ends") ?? [];
  const axes = attrInts(attrs, "axes") ?? starts.map((_, i) => i);
  const steps = attrInts(attrs, "steps") ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw new ShapeError("starts, ends, axes and steps must have the same length");
  }
  const seen = new Set<number>();
  return starts.map((s0, i) => {
    const axis = normAxis(axes[i]!, shape.length, "Slice axis");
    if (seen.has(axis)) throw new ShapeError(`axis ${axis} sliced twice`);
    seen.add(axis);
    const dim = shape[axis]!;
    const step = steps[i]!;
    if (step === 0 || !Number.isInteger(step)) throw new ShapeError("slice step must be a non-zero integer");
    const norm = (v: number): number => (v < 0 ? v + dim : v);
    let start = norm(s0), end = norm(ends[i]!);
    if (step > 0) {
      start = Math.min(Math.max(start, 0), dim);
      end = Math.min(Math.max(end, 0), dim);
    } else {
      // ONNX clamps a backward start to [0, dim - 1] (unlike numpy, which empties the slice).
      start = Math.min(Math.max(start, 0), dim - 1);
      end = Math.min(Math.max(end, -1), dim - 1);
    }
    const count = Math.max(0, Math.ceil((end - start) / step));
    return { axis, start, step, count };
  });
}

function outShape(shape: Shape, sl: readonly AxisSlice[]): number[] {
  const s = [...shape];
  for (const a of sl) s[a.axis] = a.count;
  return s;
}

export const Slice = defineOp({
  name: "Slice",
  ...layoutKernels((): OpDef["eval"] => Slice.eval),
  curvature: linearFacts("slice"),
  minInputs: 1,
  maxInputs: 1,
  onnx: { attrInputs: ["starts", "ends", "axes", "steps"] },
  infer: ([x], attrs) => ({ dtype: x!.dtype, shape: outShape(x!.shape, resolveSlice(x!.shape, attrs)) }),
  eval: ([x], attrs, type) => {
    const sl = resolveSlice(x!.shape, attrs);
    const rank = x!.shape.length;
    const start = new Array<number>(rank).fill(0);
    const step = new Array<number>(rank).fill(1);
    for (const a of sl) {
      start[a.axis] = a.start;
      step[a.axis] = a.step;
    }
    const inStr = stridesOf(x!.shape);
    const n = sizeOf(type.shape);
    const r = new Float64Array(n);
    const idx = new Array<number>(rank).fill(0);
    for (let f = 0; f < n; f++) {
      let off = 0;
      for (let k = 0; k < rank; k++) off += (start[k]! + idx[k]! * step[k]!) * inStr[k]!;
      r[f] = x!.data[off]!;
      for (let k = rank - 1; k >= 0; k--) {
        if (++idx[k]! < type.shape[k]!) break;
        idx[k] = 0;
      }
    }
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  nonSmooth: "linear; the adjoint pads with zeros (unit steps only)",
  vjp: (g, { inputs: [x], attrs }, gy) => {
    // Adjoint of a unit-step slice: put gy back between zero blocks on each sliced axis.
    let cur: Value = gy;
    for (const a of resolveSlice(x!.shape, attrs)) {
      if (a.step !== 1) throw new Error("gradient of Slice with step != 1 is not implemented");
      const dim = x!.shape[a.axis]!;
      const before = a.start, after = dim - a.start - a.count;
      const parts: Value[] = [];
      const block = (len: number): Value => {
        const s = [...cur.shape];
        s[a.axis] = len;
        return g.zerosLike({ dtype: cur.dtype, shape: s });
      };
      if (before > 0) parts.push(block(before));
      parts.push(cur);
      if (after > 0) parts.push(block(after));
      cur = g.concat(parts, a.axis);
    }
    return [cur];
  },
  jvp: (g, { attrs }, [dx]) => {
    if (!dx) return null;
    const starts = attrInts(attrs, "starts")!, ends = attrInts(attrs, "ends")!;
    return g.slice(dx, starts, ends, attrInts(attrs, "axes"), attrInts(attrs, "steps"));
  }
});
