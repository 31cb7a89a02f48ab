import type { Rational } from "../../num/rational.js";
import { fixedFactsPerArg } from "../curvature-facts.js";
import type { Attrs } from "../graph.js";
import { requireFloat } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import { axisPosition, axisPositions, elementBases, elementsAxis } from "./elements-common.js";

function axisOf(attrs: Attrs): number | undefined {
  return attrs["axis"] === undefined ? undefined : attrNum(attrs, "axis");
}

/**
 * ONNX GatherElements (opset 13+): out[f] = data at f's multi-index with the axis coordinate replaced by
 * indices[f]; out has the shape of indices. Linear in data (each output copies one entry), so the adjoint
 * is ScatterElements with reduction "add" into zeros — repeated indices collect every adjoint — and the
 * tangent is the same gather of data's tangent. No derivative flows into the (integer) indices.
 * MaxPool's derivative rules gather and scatter at its argmax indices with it.
 */
export const GatherElements = defineOp({
  name: "GatherElements",
  minInputs: 2,
  maxInputs: 2,
  defaults: { axis: 0 },
  curvature: fixedFactsPerArg("gather elements", "affine", ["increasing", "none"], ([s]) => s!),
  onnx: { attrs: { axis: "int" } },
  infer: ([data, indices], attrs) => {
    requireFloat(data!);
    elementsAxis(data!, indices!, axisOf(attrs));
    return { dtype: data!.dtype, shape: [...indices!.shape] };
  },
  eval: ([data, indices], attrs, type) => {
    const axis = elementsAxis(data!, indices!, axisOf(attrs));
    const { bases, stride, length } = elementBases(data!.shape, indices!.shape, axis);
    const r = new Float64Array(bases.length);
    for (let f = 0; f < r.length; f++) r[f] = data!.data[bases[f]! + axisPosition(indices!.data[f]!, length) * stride]!;
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  exact: ([data, indices], attrs, type) => {
    const axis = elementsAxis({ dtype: "float64", shape: data!.shape }, { dtype: "int64", shape: indices!.shape }, axisOf(attrs));
    const { bases, stride, length } = elementBases(data!.shape, indices!.shape, axis);
    const out: Rational[] = [];
    for (let f = 0; f < bases.length; f++) out.push(data!.data[bases[f]! + axisPosition(indices!.data[f]!.toNumber(), length) * stride]!);
    return { shape: type.shape, data: out };
  },
  // An index known only to an interval may pick any entry it covers: the hull of those entries.
  interval: ([data, indices], attrs, type) => {
    const axis = elementsAxis({ dtype: "float64", shape: data!.shape }, { dtype: "int64", shape: indices!.shape }, axisOf(attrs));
    const { bases, stride, length } = elementBases(data!.shape, indices!.shape, axis);
    const lo = new Float64Array(bases.length), hi = new Float64Array(bases.length);
    for (let f = 0; f < bases.length; f++) {
      const ks = axisPositions(indices!.lo[f]!, indices!.hi[f]!, length);
      let l = Number.POSITIVE_INFINITY, h = Number.NEGATIVE_INFINITY;
      for (const k of ks) {
        const a = data!.lo[bases[f]! + k * stride]!, b = data!.hi[bases[f]! + k * stride]!;
        l = Number.isNaN(a) || Number.isNaN(l) ? NaN : Math.min(l, a);
        h = Number.isNaN(b) || Number.isNaN(h) ? NaN : Math.max(h, b);
      }
      if (ks.length === 0) l = h = NaN;
      lo[f] = l;
      hi[f] = h;
    }
    return { shape: type.shape, lo, hi };
  },
  nonSmooth: "linear in data; the indices are integers and get no derivative",
  vjp: (g, { inputs: [data, indices], attrs, needs }, gy) => [
    needs[0] ? g.op("ScatterElements", [g.zerosLike(data!), indices!, gy], { axis: attrs["axis"]!, reduction: "add" }) : null,
    null
  ],
  jvp: (g, { inputs: [, indices], attrs }, [dd]) => (dd ? g.op("GatherElements", [dd, indices!], { axis: attrs["axis"]! }) : null)
});
