import type { GraphBuilder, Value } from "../builder.js";
import type { Attrs, ValueType } from "../graph.js";
import { requireFloat, sameDType } from "../kernels.js";
import { attrNum, defineOp } from "../op.js";
import { ShapeError, broadcastIndexMap, broadcastShapes, fmtShape, normAxis, sameShape, sizeOf, type Shape } from "../shape.js";
import type { CurvatureFacts } from "../curvature-facts.js";
import { intervalAt as at, intervalSum, iv, type Interval, type IntervalTensor } from "../interval-tensor.js";
import { sqrtUp } from "../../num/interval/index.js";

/** ONNX's default epsilon is the FLOAT attribute 1e-5, i.e. the float32 nearest to 1e-5, which is what PyTorch writes. */
export const LAYER_NORM_DEFAULT_EPSILON = Math.fround(1e-5);

function epsilonOf(attrs: Attrs): number {
  return attrNum(attrs, "epsilon", LAYER_NORM_DEFAULT_EPSILON);
}

/** The normalized axes [axis, ..., rank − 1]. */
function normAxes(x: Shape, attrs: Attrs): number[] {
  const a = normAxis(attrNum(attrs, "axis", -1), x.length, "LayerNormalization axis");
  return x.map((_, i) => i).filter((i) => i >= a);
}

/** mean, centred input, sqrt(var + ε) and the normalized input of X over the normalized axes, as IR. */
function normalized(g: GraphBuilder, x: Value, attrs: Attrs) {
  const axes = normAxes(x.shape, attrs);
  const d = g.sub(x, g.reduceMean(x, axes, true));
  const std = g.sqrt(g.add(g.reduceMean(g.mul(d, d), axes, true), epsilonOf(attrs)));
  return { axes, std, xhat: g.div(d, std) };
}

function layerNormIR(g: GraphBuilder, [x, scale, b]: readonly Value[], attrs: Attrs): Value {
  const y = g.mul(normalized(g, x!, attrs).xhat, scale!);
  return b ? g.add(y, b) : y;
}

/**
 * Normalizing is neither convex nor concave in X (it is invariant to shifting and scaling X); with X
 * constant the result is affine in Scale and B, increasing in B.
 */
const LAYER_NORM_FACTS: CurvatureFacts = {
  atom: ({ args }) => {
    const xVaries = args[0]!.curvature !== "constant";
    const monotonicity = ["none", "none", "increasing"] as const;
    const atom = "layer normalization";
    if (xVaries) return { atom, curvature: "unknown", sign: "unknown", monotonicity, note: "normalizing over the last axes is neither convex nor concave in X" };
    return { atom, curvature: "affine", sign: "unknown", monotonicity };
  }
};

/**
 * ONNX LayerNormalization (opset 17), output Y only. Mean and variance are taken over the axes from
 * `axis` to the last; Scale and B broadcast to X. stash_type is accepted and not used: every
 * interpreter computes in the graph's own precision.
 */
export const LayerNormalization = defineOp({
  name: "LayerNormalization",
  curvature: LAYER_NORM_FACTS,
  minInputs: 2,
  maxInputs: 3,
  defaults: { axis: -1, epsilon: LAYER_NORM_DEFAULT_EPSILON },
  onnx: {
    attrs: { axis: "int", epsilon: "float" },
    // epsilon is a 32-bit FLOAT attribute in ONNX: spell the op out when it is not exact in float32.
    decompose: {
      dtypes: ["float64"],
      when: (attrs) => Math.fround(epsilonOf(attrs)) !== epsilonOf(attrs),
      rewrite: layerNormIR
    }
  },
  infer: (types, attrs) => {
    const dtype = sameDType(types);
    requireFloat(types[0]!);
    const x = types[0]!;
    normAxes(x.shape, attrs);
    const names = ["Scale", "B"];
    types.slice(1).forEach((t: ValueType, i) => {
      let ok = false;
      try {
        ok = sameShape(broadcastShapes(t.shape, x.shape), x.shape);
      } catch (e) {
        if (!(e instanceof ShapeError)) throw e;
      }
      if (!ok) throw new ShapeError(`${names[i]} of shape ${fmtShape(t.shape)} does not broadcast to X ${fmtShape(x.shape)}`);
    });
    const eps = epsilonOf(attrs);
    if (!(eps >= 0)) throw new ShapeError(`epsilon must be >= 0, got ${eps}`);
    return { dtype, shape: x.shape };
  },
  eval: ([x, scale, b], attrs, type) => {
    const eps = epsilonOf(attrs);
    const n = sizeOf(x!.shape.slice(normAxes(x!.shape, attrs)[0]));
    const ms = broadcastIndexMap(scale!.shape, x!.shape);
    const mb = b ? broadcastIndexMap(b.shape, x!.shape) : null;
    const xd = x!.data;
    const r = new Float64Array(xd.length);
    for (let base = 0; base < xd.length; base += n) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += xd[base + i]!;
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (xd[base + i]! - mean) ** 2;
      const std = Math.sqrt(v / n + eps);
      for (let i = 0; i < n; i++) {
        const f = base + i;
        const y = ((xd[f]! - mean) / std) * scale!.data[ms ? ms[f]! : f]!;
        r[f] = b ? y + b.data[mb ? mb[f]! : f]! : y;
      }
    }
    return { dtype: type.dtype, shape: type.shape, data: r };
  },
  interval: ([x, scale, b], attrs, type): IntervalTensor => {
    const eps = iv.point(epsilonOf(attrs));
    const n = sizeOf(x!.shape.slice(normAxes(x!.shape, attrs)[0]));
    const ms = broadcastIndexMap(scale!.shape, x!.shape);
    const mb = b ? broadcastIndexMap(b.shape, x!.shape) : null;
    // |x_i − mean| ≤ sqrt(n − 1) · sqrt(var) for every real lane, which bounds the normalized value.
    const bound = sqrtUp(n - 1);
    const xhatBound: Interval = { lo: -bound, hi: bound };
    const lo = new Float64Array(x!.lo.length), hi = new Float64Array(x!.lo.length);
    const lane: Interval[] = new Array<Interval>(n);
    const prefix: Interval[] = new Array<Interval>(n + 1);
    const suffix: Interval[] = new Array<Interval>(n + 1);
    for (let base = 0; base < lo.length; base += n) {
      for (let i = 0; i < n; i++) lane[i] = at(x!, base + i);
      prefix[0] = iv.ZERO;
      suffix[n] = iv.ZERO;
      for (let i = 0; i < n; i++) prefix[i + 1] = iv.add(prefix[i]!, lane[i]!);
      for (let i = n - 1; i >= 0; i--) suffix[i] = iv.add(suffix[i + 1]!, lane[i]!);
      // x_i − mean = ((n − 1) x_i − Σ_{j≠i} x_j) / n names each x_j once, which keeps the box from doubling.
      const d = lane.map((xi, i) => iv.div(iv.sub(iv.mul(iv.point(n - 1), xi), iv.add(prefix[i]!, suffix[i + 1]!)), iv.point(n)));
      const variance = iv.div(intervalSum(d.map((di) => iv.sqr(di))), iv.point(n));
      const std = iv.sqrt(iv.add(variance, eps));
      for (let i = 0; i < n; i++) {
        const f = base + i;
        let xhat = iv.div(d[i]!, std);
        if (!iv.isNaNInterval(xhat)) xhat = iv.intersect(xhat, xhatBound);
        let y = iv.mul(xhat, at(scale!, ms ? ms[f]! : f));
        if (b) y = iv.add(y, at(b, mb ? mb[f]! : f));
        lo[f] = y.lo;
        hi[f] = y.hi;
      }
    }
    return { shape: type.shape, lo, hi };
  },
  // exact: absent — sqrt(var + ε) is irrational in general, so certificates through LayerNormalization use intervals.
  vjp: (g, { inputs: [x, scale, b], attrs, needs }, gy) => {
    const { axes, std, xhat } = normalized(g, x!, attrs);
    let dx: Value | null = null;
    if (needs[0]) {
      // dX = (ĝ − mean(ĝ) − x̂ · mean(ĝ x̂)) / σ with ĝ = gy · Scale
      const gh = g.mul(gy, scale!);
      dx = g.div(g.sub(g.sub(gh, g.reduceMean(gh, axes, true)), g.mul(xhat, g.reduceMean(g.mul(gh, xhat), axes, true))), std);
    }
    return [
      dx,
      needs[1] ? g.unbroadcast(g.mul(gy, xhat), scale!.shape) : null,
      b && needs[2] ? g.unbroadcast(gy, b.shape) : null
    ];
  },
  jvp: (g, { inputs: [x, scale], attrs, output }, [dx, dscale, db]) => {
    const { axes, std, xhat } = normalized(g, x!, attrs);
    const terms: Value[] = [];
    if (dx) {
      // dx̂ = (dd − x̂ · mean(x̂ dd)) / σ with dd = dX − mean(dX)
      const dd = g.sub(dx, g.reduceMean(dx, axes, true));
      const dxhat = g.div(g.sub(dd, g.mul(xhat, g.reduceMean(g.mul(xhat, dd), axes, true))), std);
      terms.push(g.mul(dxhat, scale!));
    }
    if (dscale) terms.push(g.mul(xhat, dscale));
    if (db) terms.push(db);
    if (!terms.length) return null;
    return g.broadcastTo(terms.reduce((p, q) => g.add(p, q)), output.shape);
  }
});
