import { ShapeError, fmtShape, normAxis, sizeOf } from "../shape.js";
import { sameDType } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import { linearFacts } from "../curvature-facts.js";
import { layoutKernels } from "../layout-kernels.js";
import type { OpDef } from "../op.js";

export const Concat = defineOp({
  name: "Concat",
  ...layoutKernels((): OpDef["eval"] => Concat.eval),
  curvature: linearFacts("concat"),
  minInputs: 1,
  maxInputs: Number.POSITIVE_INFINITY,
  onnx: { attrs: { axis: "int" } },
  infer: (types, attrs) => {
    const dtype = sameDType(types);
    const r = types[0]!.shape.length;
    const axis = normAxis(attrNum(attrs, "axis"), r, "Concat axis");
    const shape = [...types[0]!.shape];
    shape[axis] = 0;
    for (const t of types) {
      if (t.shape.length !== r || t.shape.some((d, i) => i !== axis && d !== shape[i])) {
        throw new ShapeError(`shapes ${types.map((x) => fmtShape(x.shape)).join(", ")} differ outside axis ${axis}`);
      }
      shape[axis]! += t.shape[axis]!;
    }
    return { dtype, shape };
  },
  eval: (xs, attrs, type) => {
    const axis = normAxis(attrNum(attrs, "axis"), type.shape.length);
    const outer = sizeOf(type.shape.slice(0, axis));
    const inner = sizeOf(type.shape.slice(axis + 1));
    const total = type.shape[axis]! * inner;
    const r = new Float64Array(sizeOf(type.shape));
    let off = 0;
    for (const x of xs) {
      const w = x.shape[axis]! * inner;
      for (let o = 0; o < outer; o++) r.set(x.data.subarray(o * w, (o + 1) * w), o * total + off);
      off += w;
    }
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  vjp: (g, { inputs, attrs }, gy) => {
    const axis = normAxis(attrNum(attrs, "axis"), gy.rank);
    let start = 0;
    return inputs.map((x) => {
      const end = start + x.shape[axis]!;
      const piece = g.slice(gy, [start], [end], [axis]);
      start = end;
      return piece;
    });
  },
  jvp: (g, { inputs, attrs }, tangents) => {
    if (tangents.every((t) => !t)) return null;
    return g.concat(tangents.map((t, i) => t ?? g.zerosLike(inputs[i]!)), attrNum(attrs, "axis"));
  }
});
