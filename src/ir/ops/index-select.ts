import { linearFacts } from "../curvature-facts.js";
import type { Attrs } from "../graph.js";
import { layoutKernels } from "../layout-kernels.js";
import { attrInts, attrNum, defineOp, type OpDef } from "../op.js";
import { ShapeError, normAxis, sizeOf, stridesOf, type Shape } from "../shape.js";
import { tensor } from "../tensor.js";

interface Selection {
  axis: number;
  indices: readonly number[];
}

function selection(shape: Shape, attrs: Attrs): Selection {
  const axis = normAxis(attrNum(attrs, "axis", 0), shape.length, "axis");
  const indices = attrInts(attrs, "indices");
  if (!indices || indices.length === 0) throw new ShapeError("indices must be a non-empty list");
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= shape[axis]!) throw new ShapeError(`index ${i} is out of range for axis ${axis} of length ${shape[axis]}`);
  }
  return { axis, indices };
}

/**
 * Entries `indices` (a static list, repeats allowed) of one axis, in that order: PyTorch's index_select,
 * exported as ONNX Gather with a 1-D int64 indices initializer. The im2col of a Conv whose output is
 * smaller than its kernel (a weight gradient's form) is one of these: every window's cells read from an
 * [N, H·W, C] layout, runs of C contiguous values, instead of one strided Slice per output position and
 * a Concat. Linear and data-only, so the exact and interval kernels
 * are the copy itself; the adjoint adds gy back at the indices (ScatterElements), the tangent selects.
 */
export const IndexSelect = defineOp({
  name: "IndexSelect",
  ...layoutKernels((): OpDef["eval"] => IndexSelect.eval),
  curvature: linearFacts("index select"),
  minInputs: 1,
  maxInputs: 1,
  defaults: { axis: 0 },
  onnx: { opType: "Gather", attrs: { axis: "int" }, attrInputs: ["indices"] },
  infer: ([x], attrs) => {
    const { axis, indices } = selection(x!.shape, attrs);
    const shape = [...x!.shape];
    shape[axis] = indices.length;
    return { dtype: x!.dtype, shape };
  },
  eval: ([x], attrs, type) => {
    const { axis, indices } = selection(x!.shape, attrs);
    const outer = sizeOf(x!.shape.slice(0, axis)), inner = stridesOf(x!.shape)[axis]!, len = x!.shape[axis]!;
    const r = new Float64Array(sizeOf(type.shape));
    let f = 0;
    for (let o = 0; o < outer; o++) {
      for (const i of indices) {
        const base = (o * len + i) * inner;
        for (let k = 0; k < inner; k++) r[f++] = x!.data[base + k]!;
      }
    }
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  nonSmooth: "linear (a copy of selected entries)",
  vjp: (g, { inputs: [x], attrs }, gy) => {
    const { axis, indices } = selection(x!.shape, attrs);
    // ScatterElements wants an index per entry of gy: the selected position, constant along the other axes.
    const str = stridesOf(gy.shape);
    const idx = Array.from({ length: sizeOf(gy.shape) }, (_, f) => indices[Math.floor(f / str[axis]!) % indices.length]!);
    return [g.op("ScatterElements", [g.zerosLike(x!), g.constant(tensor(gy.shape, idx, "int64")), gy], { axis, reduction: "add" })];
  },
  jvp: (g, { attrs }, [dx]) => (dx ? g.op("IndexSelect", [dx], attrs) : null)
});
