import { Rational } from "../../num/rational.js";
import { addSign, fixedFactsPerArg, type Sign } from "../curvature-facts.js";
import type { Attrs } from "../graph.js";
import { addDown, addUp } from "../interval-tensor.js";
import { requireFloat } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import { ShapeError, fmtShape, sameShape } from "../shape.js";
import { axisPosition, axisPositions, elementBases, elementsAxis } from "./elements-common.js";

function axisOf(attrs: Attrs): number | undefined {
  return attrs["axis"] === undefined ? undefined : attrNum(attrs, "axis");
}

/**
 * Only reduction "add" has a meaning whatever the indices (with "none", which of two updates to one entry
 * wins is unspecified, and an overwritten entry's derivative is not data's): ONNX's default "none" is
 * refused rather than read as "add".
 */
function checkReduction(attrs: Attrs): void {
  if (attrs["reduction"] !== "add") throw new ShapeError(`only reduction "add" is supported, got ${JSON.stringify(attrs["reduction"])}`);
}

/** Entries no update reaches keep data's value, so an update's strict sign does not carry over. */
const weak = (s: Sign): Sign => (s === "positive" ? "nonneg" : s === "negative" ? "nonpos" : s);

/**
 * ONNX ScatterElements (opset 16+) with reduction "add": out = data, then out[at f] += updates[f] for every
 * entry f of indices (see elements-common.ts for "at f"); updates has the shape of indices. Linear in data
 * and updates: the adjoint is gy for data and GatherElements(gy, indices) for the updates, the tangent the
 * same scatter of the tangents. The adjoint of GatherElements, which MaxPool's derivative rules use.
 */
export const ScatterElements = defineOp({
  name: "ScatterElements",
  minInputs: 3,
  maxInputs: 3,
  defaults: { axis: 0, reduction: "none" },
  curvature: fixedFactsPerArg("scatter add", "affine", ["increasing", "none", "increasing"], ([d, , u]) => addSign(d!, weak(u!))),
  onnx: { attrs: { axis: "int", reduction: "string" } },
  infer: ([data, indices, updates], attrs) => {
    requireFloat(data!);
    checkReduction(attrs);
    elementsAxis(data!, indices!, axisOf(attrs));
    if (updates!.dtype !== data!.dtype) throw new ShapeError(`updates must be ${data!.dtype}, got ${updates!.dtype}`);
    if (!sameShape(updates!.shape, indices!.shape)) throw new ShapeError(`updates ${fmtShape(updates!.shape)} must have the shape of indices ${fmtShape(indices!.shape)}`);
    return { dtype: data!.dtype, shape: [...data!.shape] };
  },
  eval: ([data, indices, updates], attrs, type) => {
    const axis = elementsAxis(data!, indices!, axisOf(attrs));
    const { bases, stride, length } = elementBases(data!.shape, indices!.shape, axis);
    const r = Float64Array.from(data!.data);
    for (let f = 0; f < bases.length; f++) r[bases[f]! + axisPosition(indices!.data[f]!, length) * stride] += updates!.data[f]!;
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  exact: ([data, indices, updates], attrs, type) => {
    const axis = elementsAxis({ dtype: "float64", shape: data!.shape }, { dtype: "int64", shape: indices!.shape }, axisOf(attrs));
    const { bases, stride, length } = elementBases(data!.shape, indices!.shape, axis);
    const out: Rational[] = [...data!.data];
    for (let f = 0; f < bases.length; f++) {
      const t = bases[f]! + axisPosition(indices!.data[f]!.toNumber(), length) * stride;
      out[t] = out[t]!.add(updates!.data[f]!);
    }
    return { shape: type.shape, data: out };
  },
  // An update whose index is known only to an interval may land on any entry it covers, or not on a given
  // one: each of those entries widens by [min(0, u), max(0, u)]. A known index adds u itself.
  interval: ([data, indices, updates], attrs, type) => {
    const axis = elementsAxis({ dtype: "float64", shape: data!.shape }, { dtype: "int64", shape: indices!.shape }, axisOf(attrs));
    const { bases, stride, length } = elementBases(data!.shape, indices!.shape, axis);
    const lo = Float64Array.from(data!.lo), hi = Float64Array.from(data!.hi);
    for (let f = 0; f < bases.length; f++) {
      const ul = updates!.lo[f]!, uh = updates!.hi[f]!;
      const il = indices!.lo[f]!, ih = indices!.hi[f]!;
      if (Number.isNaN(il) || Number.isNaN(ih)) {
        lo.fill(NaN);
        hi.fill(NaN);
        break;
      }
      if (il === ih) {
        const t = bases[f]! + axisPosition(il, length) * stride;
        lo[t] = addDown(lo[t]!, ul);
        hi[t] = addUp(hi[t]!, uh);
        continue;
      }
      for (const k of axisPositions(il, ih, length)) {
        const t = bases[f]! + k * stride;
        lo[t] = addDown(lo[t]!, Number.isNaN(ul) ? NaN : Math.min(0, ul));
        hi[t] = addUp(hi[t]!, Number.isNaN(uh) ? NaN : Math.max(0, uh));
      }
    }
    return { shape: type.shape, lo, hi };
  },
  nonSmooth: "linear in data and updates; the indices are integers and get no derivative",
  vjp: (g, { inputs: [, indices], attrs, needs }, gy) => [
    needs[0] ? gy : null,
    null,
    needs[2] ? g.op("GatherElements", [gy, indices!], { axis: attrs["axis"]! }) : null
  ],
  jvp: (g, { inputs: [data, indices], attrs }, [dd, , du]) => {
    if (!du) return dd ?? null;
    return g.op("ScatterElements", [dd ?? g.zerosLike(data!), indices!, du], { axis: attrs["axis"]!, reduction: "add" });
  }
});
