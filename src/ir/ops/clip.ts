import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs } from "../graph.js";
import { inferUnaryFloat, mapUnary } from "../kernels.js";
import { defineOp } from "../op.js";
import { ShapeError } from "../shape.js";
import { argSign, type AtomCurvature, type CurvatureFacts, type Sign } from "../curvature-facts.js";
import { Rational } from "../../num/rational.js";
import { exactUnary } from "../exact-tensor.js";
import { intervalUnary } from "../interval-tensor.js";

/** The bounds; an absent one is ∓∞ (ONNX: the numeric limits of the type). */
export function clipBounds(attrs: Attrs): { lo: number; hi: number } {
  const get = (k: string, def: number): number => {
    const v = attrs[k];
    if (v === undefined) return def;
    if (typeof v !== "number" || Number.isNaN(v)) throw new ShapeError(`${k} must be a number, got ${String(v)}`);
    return v;
  };
  return { lo: get("min", -Infinity), hi: get("max", Infinity) };
}

/** min(max(x, lo), hi): with lo > hi every value becomes hi, as ONNX specifies. NaN stays NaN. */
function clip(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

function signOf(v: number): Sign {
  return v > 0 ? "positive" : v < 0 ? "negative" : "zero";
}

/**
 * Increasing always. With only a lower bound it is max(x, min), convex; with only an upper bound
 * min(x, max), concave; with both it is neither, unless the argument is known to stay on one side.
 */
const CLIP_FACTS: CurvatureFacts = {
  atom: ({ attrs, args }) => {
    const { lo, hi } = clipBounds(attrs);
    const x = args[0]!;
    const s = argSign(x);
    const hasLo = lo > -Infinity, hasHi = hi < Infinity;
    let sign: Sign;
    if (lo > hi) sign = signOf(hi);
    else if (lo > 0) sign = "positive";
    else if (hi < 0) sign = "negative";
    else if (lo === 0) sign = hi === 0 ? "zero" : s === "positive" ? "positive" : "nonneg";
    else if (hi === 0) sign = s === "negative" ? "negative" : "nonpos";
    // lo < 0 < hi: clip(0) = 0 and clip keeps strict signs
    else sign = s;
    const name = `clip(${hasLo ? lo : "-∞"}, ${hasHi ? hi : "∞"})`;
    // a constant is (weakly) increasing
    if (lo > hi) return { atom: `${name}: the constant max, as min > max`, curvature: "affine", sign, monotonicity: ["increasing"] };
    let curvature: AtomCurvature;
    if (!hasLo && !hasHi) curvature = "affine";
    else if (!hasHi || (x.range && x.range.hi <= hi)) curvature = "convex";
    else if (!hasLo || (x.range && x.range.lo >= lo)) curvature = "concave";
    else curvature = "unknown";
    return {
      atom: name,
      curvature,
      sign,
      monotonicity: ["increasing"],
      ...(curvature === "unknown" ? { note: "clip with both bounds is convex below max and concave above min; here the argument may cross both" } : {})
    };
  }
};

/** ONNX Clip with min/max as static attributes (opset 13 takes them as optional scalar inputs). */
export const Clip = defineOp({
  name: "Clip",
  curvature: CLIP_FACTS,
  minInputs: 1,
  maxInputs: 1,
  onnx: { attrInputs: ["min", "max"], scalarAttrInputs: ["min", "max"] },
  infer: (types, attrs) => {
    clipBounds(attrs);
    return inferUnaryFloat(types);
  },
  eval: ([x], attrs, type) => {
    const { lo, hi } = clipBounds(attrs);
    return mapUnary(x!, type, (v) => clip(v, lo, hi));
  },
  // Clipping rounds nothing, so the image of a box is the clipped endpoints exactly.
  interval: intervalUnary((x, attrs) => {
    const { lo, hi } = clipBounds(attrs);
    if (Number.isNaN(x.lo) || Number.isNaN(x.hi)) return { lo: NaN, hi: NaN };
    return { lo: clip(x.lo, lo, hi), hi: clip(x.hi, lo, hi) };
  }),
  exact: exactUnary((x, attrs) => {
    const { lo, hi } = clipBounds(attrs);
    // an infinite bound never binds a finite rational
    const r = Number.isFinite(lo) && x.lt(Rational.fromFloat(lo)) ? Rational.fromFloat(lo) : x;
    return Number.isFinite(hi) && r.gt(Rational.fromFloat(hi)) ? Rational.fromFloat(hi) : r;
  }),
  nonSmooth: "Clip'(x) = 1 strictly between min and max and 0 elsewhere, at x = min and x = max too (as Relu'(0) = 0)",
  vjp: (g, { inputs: [x], attrs }, gy) => [passInside(g, x!, attrs, gy)],
  jvp: (g, { inputs: [x], attrs }, [dx]) => (dx ? passInside(g, x!, attrs, dx) : null)
});

/** v where min < x < max, 0 elsewhere. */
function passInside(g: GraphBuilder, x: Value, attrs: Attrs, v: Value): Value {
  const { lo, hi } = clipBounds(attrs);
  let r = v;
  if (hi < Infinity) r = g.where(g.less(x, hi), r, 0);
  if (lo > -Infinity) r = g.where(g.greater(x, lo), r, 0);
  return r;
}
