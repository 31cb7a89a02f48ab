import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { ShapeError, fmtShape, sizeOf, stridesOf, type Shape } from "../shape.js";
import { requireFloat } from "../kernels.js";
import { attrInts, attrNum, defineOp } from "../op.js";
import { argSign, isNonneg, isNonpos, signOfTensor, type CurvatureFacts, type Sign } from "../curvature-facts.js";
import { scalar } from "../tensor.js";
import { Rational } from "../../num/rational.js";

export type PadMode = "constant" | "reflect" | "edge";

interface AxisPad {
  before: number;
  after: number;
}

function padMode(attrs: Attrs): PadMode {
  const m = attrs["mode"] ?? "constant";
  if (m !== "constant" && m !== "reflect" && m !== "edge") throw new ShapeError(`Pad mode must be "constant", "reflect" or "edge", got ${JSON.stringify(m)}`);
  return m;
}

/**
 * ONNX Pad-13: `pads` = [x1_begin, x2_begin, ..., x1_end, x2_end, ...]. Negative pads crop; ONNX Runtime
 * crops first and then extends, so reflect/edge extend from the cropped array (checked against it in the tests).
 */
function axisPads(shape: Shape, attrs: Attrs): AxisPad[] {
  const pads = attrInts(attrs, "pads");
  const r = shape.length;
  if (!pads || pads.length !== 2 * r || pads.some((p) => !Number.isInteger(p))) {
    throw new ShapeError(`pads must be ${2 * r} integers for an input of shape ${fmtShape(shape)}, got ${pads ? `[${pads.join(",")}]` : "none"}`);
  }
  const mode = padMode(attrs);
  return shape.map((dim, a) => {
    const before = pads[a]!, after = pads[a + r]!;
    const kept = dim + Math.min(before, 0) + Math.min(after, 0);
    if (kept < 0 || kept + Math.max(before, 0) + Math.max(after, 0) < 0) throw new ShapeError(`pads [${before}, ${after}] crop more than axis ${a} of size ${dim} holds`);
    const grow = Math.max(before, after, 0);
    // ONNX Runtime refuses an empty (cropped) axis in these modes even when nothing is added
    if (mode !== "constant" && kept < 1) throw new ShapeError(`${mode} padding of axis ${a} needs at least one element left after cropping`);
    if (grow > 0 && mode === "reflect" && grow > kept - 1) {
      throw new ShapeError(`reflect padding of axis ${a} by ${grow} needs more than ${grow} elements, the (cropped) axis has ${kept}`);
    }
    return { before, after };
  });
}

/** Source index along one axis for output position j, or -1 where the constant goes. */
function sourceIndex(j: number, dim: number, p: AxisPad, mode: PadMode): number {
  const i = j - p.before;
  if (i >= 0 && i < dim) return i;
  if (mode === "constant") return -1;
  // The extension starts at the cropped ends.
  const lo = Math.max(0, -p.before), hi = dim - 1 - Math.max(0, -p.after);
  if (mode === "edge") return i < lo ? lo : hi;
  return i < lo ? 2 * lo - i : 2 * hi - i;
}

/** For each output element, the flat input index it copies, or -1 for the constant. */
function padIndexMap(shape: Shape, attrs: Attrs, outShape: Shape): Int32Array {
  const mode = padMode(attrs);
  const pads = axisPads(shape, attrs);
  const inStr = stridesOf(shape);
  const perAxis = outShape.map((len, a) => Int32Array.from({ length: len }, (_, j) => sourceIndex(j, shape[a]!, pads[a]!, mode)));
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const rank = outShape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let f = 0; f < n; f++) {
    let off = 0;
    for (let k = 0; k < rank; k++) {
      const s = perAxis[k]![idx[k]!]!;
      if (s < 0) {
        off = -1;
        break;
      }
      off += s * inStr[k]!;
    }
    map[f] = off;
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return map;
}

function padValue(attrs: Attrs): number {
  return attrNum(attrs, "value", 0);
}

function joinSign(a: Sign, b: Sign): Sign {
  if (a === b) return a;
  if (isNonneg(a) && isNonneg(b)) return "nonneg";
  if (isNonpos(a) && isNonpos(b)) return "nonpos";
  return "unknown";
}

/** A copy of x with constants around it: affine and increasing; the sign joins x's with the constant's. */
const PAD_FACTS: CurvatureFacts = {
  atom: ({ attrs, args }) => {
    const s = argSign(args[0]!);
    const grows = (attrInts(attrs, "pads") ?? []).some((p) => p > 0);
    const constant = padMode(attrs) === "constant" && grows;
    const v = padValue(attrs);
    return {
      atom: constant ? `pad with ${v}` : "pad",
      curvature: "affine",
      sign: constant ? joinSign(s, signOfTensor(scalar(v))) : s,
      monotonicity: ["increasing"]
    };
  }
};

/** Per axis, the adjoint of extending a (cropped) axis by reflect/edge: fold the border gradient back in. */
function foldExtension(g: GraphBuilder, gy: Value, axis: number, before: number, after: number, mode: "reflect" | "edge"): Value {
  const len = gy.shape[axis]! - before - after;
  const rank = gy.rank;
  const sliceAxis = (v: Value, s: number, e: number): Value => g.slice(v, [s], [e], [axis]);
  const padAxis = (v: Value, b: number, e: number): Value => {
    if (b === 0 && e === 0) return v;
    const pads = new Array<number>(2 * rank).fill(0);
    pads[axis] = b;
    pads[axis + rank] = e;
    return g.pad(v, pads);
  };
  let acc = sliceAxis(gy, before, before + len);
  if (mode === "edge") {
    if (before > 0) acc = g.add(acc, padAxis(g.reduceSum(sliceAxis(gy, 0, before), [axis], true), 0, len - 1));
    if (after > 0) acc = g.add(acc, padAxis(g.reduceSum(sliceAxis(gy, before + len, before + len + after), [axis], true), len - 1, 0));
    return acc;
  }
  // reflect: output position before - k (k = 1..before) copies element k; before + len - 1 + k copies len - 1 - k.
  if (before > 0) {
    const rev = g.concat(Array.from({ length: before }, (_, k) => sliceAxis(gy, before - 1 - k, before - k)), axis);
    acc = g.add(acc, padAxis(rev, 1, len - 1 - before));
  }
  if (after > 0) {
    const start = before + len;
    const rev = g.concat(Array.from({ length: after }, (_, k) => sliceAxis(gy, start + after - 1 - k, start + after - k)), axis);
    acc = g.add(acc, padAxis(rev, len - 1 - after, 1));
  }
  return acc;
}

export const Pad = defineOp({
  name: "Pad",
  minInputs: 1,
  maxInputs: 1,
  defaults: { mode: "constant", value: 0 },
  curvature: PAD_FACTS,
  // opset 13+ takes pads (int64) and constant_value (a scalar of the data's dtype) as inputs
  onnx: { attrs: { mode: "string" }, attrInputs: ["pads", "value"], scalarAttrInputs: ["value"] },
  infer: ([x], attrs) => {
    requireFloat(x!);
    const pads = axisPads(x!.shape, attrs);
    return { dtype: x!.dtype, shape: x!.shape.map((d, a) => d + pads[a]!.before + pads[a]!.after) };
  },
  eval: ([x], attrs, type) => {
    const map = padIndexMap(x!.shape, attrs, type.shape);
    const v = padValue(attrs);
    return { dtype: type.dtype, shape: type.shape, data: Float64Array.from(map, (i) => (i < 0 ? v : x!.data[i]!)) };
  },
  exact: ([x], attrs, type) => {
    const map = padIndexMap(x!.shape, attrs, type.shape);
    const grows = map.some((i) => i < 0);
    const v = grows ? Rational.fromFloat(padValue(attrs)) : Rational.ZERO;
    return { shape: type.shape, data: Array.from(map, (i) => (i < 0 ? v : x!.data[i]!)) };
  },
  interval: ([x], attrs, type) => {
    const map = padIndexMap(x!.shape, attrs, type.shape);
    const v = padValue(attrs);
    return {
      shape: type.shape,
      lo: Float64Array.from(map, (i) => (i < 0 ? v : x!.lo[i]!)),
      hi: Float64Array.from(map, (i) => (i < 0 ? v : x!.hi[i]!))
    };
  },
  nonSmooth: "linear in x (the constant is a fixed attribute)",
  vjp: (g, { inputs: [x], attrs }, gy) => {
    const rank = x!.rank;
    const pads = attrInts(attrs, "pads")!;
    const mode = padMode(attrs);
    // Undo the extension (positive pads) first, then the crop (negative pads) by zero-filling.
    let cur = gy;
    if (mode === "constant") {
      if (pads.some((p) => p > 0)) cur = g.pad(gy, pads.map((p) => (p > 0 ? -p : 0)));
    } else {
      for (let a = 0; a < rank; a++) {
        const b = Math.max(pads[a]!, 0), e = Math.max(pads[a + rank]!, 0);
        if (b > 0 || e > 0) cur = foldExtension(g, cur, a, b, e, mode);
      }
    }
    const uncrop = pads.map((p) => (p < 0 ? -p : 0));
    return [uncrop.some((p) => p > 0) ? g.pad(cur, uncrop) : cur];
  },
  jvp: (g, { attrs }, [dx]) => {
    if (!dx) return null;
    const mode = padMode(attrs);
    return g.pad(dx, attrInts(attrs, "pads")!, mode === "constant" ? { value: 0 } : { mode });
  }
});
